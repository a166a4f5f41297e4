/// The name a path given to `pack` gets in the archive, as GNU tar makes
/// it safe (`safer_name_suffix`), and the prefix it removed. `gzip -r`
/// names the files below a top the same way (for `--exclude`, `--shard`
/// and `--out-dir`).
public enum TarMemberName {
    /// A path given on the command line without its trailing slashes (but
    /// for "/" itself), as `pack` walks it and names it.
    public static func withoutTrailingSlashes(_ path: [UInt8]) -> [UInt8] {
        var bytes = path
        while bytes.count > 1 && bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        return bytes
    }

    /// The name a path gets in the archive (`pack`), and the prefix GNU
    /// tar names in its notice ("Removing leading `../' from member
    /// names"), empty when nothing went.
    ///
    /// As GNU tar: everything up to and including the last ".." component
    /// goes, then the slashes after it, so that no stored name climbs out
    /// of the directory it is extracted into (`../f` → `f`, `a/../b` →
    /// `b`, `a/b/../../c/d` → `c/d`, `/etc/x` → `etc/x`); the rest is kept
    /// as it is, a leading "./" too: `pack .` stores `./` and `./a`, `pack
    /// ./sub` `./sub/` and `./sub/x`, as `tar -c` does, so that `tar -x
    /// ARCHIVE ./a` finds the entry (bale dropped the "./" until
    /// 2026-12-08, and a name GNU tar users type was "Not found in
    /// archive"; a probe helper). A name made empty (`a/..`) is the
    /// directory it names, stored as `./` with its contents under their
    /// own names, as GNU tar stores it.
    public static func stored(_ path: [UInt8]) -> (name: [UInt8], removed: [UInt8]) {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var cut = 0
        var index = 0
        while index < path.count {
            // At the start of a component: is it ".."?
            if index + 1 < path.count, path[index] == dot, path[index + 1] == dot,
               index + 2 == path.count || path[index + 2] == slash {
                cut = index + 2
            }
            repeat { index += 1 } while index < path.count && path[index - 1] != slash
        }
        while cut < path.count && path[cut] == slash { cut += 1 }
        return (Array(path[cut...]), Array(path[..<cut]))
    }

    /// `stored`'s name without a leading "./" (`.` itself made empty): the
    /// one spelling of a place that `gzip -r` names the files below a top
    /// by and `--shard` hashes (`Shard.key`), whichever way it was given.
    public static func of(_ path: [UInt8]) -> (name: [UInt8], removed: [UInt8]) {
        let (stored, removed) = stored(path)
        let name = withoutLeadingDot(stored)
        return (name.isEmpty || name.elementsEqual([UInt8(ascii: ".")]) ? [] : name, removed)
    }

    /// `name` without its leading `./` and the slashes after each (`./a`,
    /// `././a`, `.//a`: `a`); a name that does not begin with `./` as it is.
    public static func withoutLeadingDot(_ name: [UInt8]) -> [UInt8] {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var start = 0
        while start + 1 < name.count && name[start] == dot && name[start + 1] == slash {
            start += 2
            while start < name.count && name[start] == slash { start += 1 }
        }
        return Array(name[start...])
    }
}
