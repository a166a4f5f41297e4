#if canImport(Glibc)
import Glibc
#endif

/// Where the outputs of a `--shard` part may lie: not inside a tree the
/// parts walk, where the other parts would take them.
///
/// A run leaves its own outputs out of its walk (`OutputOfThisRun`), but
/// another part's are, to its walk, files like any: `gzip -r --shard K/3
/// --manifest d/m-K.sha256 d` ran three parts, exit 0 each, and part 1's
/// manifest was compressed and removed by another part; `pack --shard
/// K/3 d -o d/part-K.tar.gz --remove-files` left one archive holding the
/// one before it, which held the one before that (a probe helper). A part
/// cannot tell another part's output from a file of the user's of the
/// same name, so the name is refused before anything is written (exit 1),
/// as `pack` refuses its parts' default names there. A name the walk
/// would not take is not: one a glob of `--exclude` matches, as the walk
/// would meet it (its path below the tree's top as given, and each
/// directory on the way, named as the walk names them: `-C d .` walks
/// `./x`, where a glob `d` excludes nothing), as the batch sample's
/// `--exclude '.bale-part-*'` leaves its manifests out, or, with
/// `--include`, one no glob takes. Standard output (`-o -`, `--manifest
/// -`) is judged by the file it is, when it is one (`> t/a-K.tgz`): its
/// path is /proc's name of it. Not seen: a directory the walk reaches
/// through a symbolic link (`pack -h`), which only the walk finds.
enum ShardOutputPlace {
    /// The refusal of `output` (`what` it is, for the message: "the
    /// archive", "the manifest"; `-`: standard output), a path relative to
    /// where bale started, for a part of `shard` (N above 1) walking `tops`
    /// (relative to `base`) under `policy`'s names; nil when it may be
    /// written there. `excludable`: the command takes `--exclude` (the
    /// message offers it).
    static func refusal(of output: String?, _ what: String, shard: Shard?, tops: [[UInt8]], relativeTo base: Int32,
                        dereference: Bool, policy: TreeWalkPolicy, excludable: Bool = true) -> Diagnostic? {
        guard let shard, shard.count > 1, let output else { return nil }
        var bytes = TerminalText.bytes(ofName: output)
        if output == "-" {
            guard let file = standardOutputFile() else { return nil }
            bytes = file
        }
        let parts = PathParts(bytes)
        guard policy.takesName(parts.name),
              let (top, below) = treeHolding(parts.directory, relativeTo: AT_FDCWD, among: tops, relativeTo: base,
                                             dereference: dereference) else { return nil }
        // As the walk would meet it: each directory below the top, then the file.
        var walked = top
        for name in below + [parts.name] {
            walked += (walked.last == UInt8(ascii: "/") ? [] : [UInt8(ascii: "/")]) + name
            if policy.leavesOut(path: walked, name: name) { return nil }
        }
        let shown = output == "-" ? "standard output (\(TerminalText.name(bytes)))" : what
        return .error(path: output == "-" ? nil : output,
                      "\(shown) would lie inside \(TerminalText.name(top)), which the parts walk: "
                      + "the other parts would take it; write it outside" + (excludable ? ", or --exclude its name" : ""))
    }

    /// The path of the regular file standard output is, as /proc names
    /// it; nil for anything else (a pipe, a terminal, a device, a file
    /// no name holds).
    private static func standardOutputFile() -> [UInt8]? {
        var info = stat()
        guard fstat(1, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
              let path = OutputDestination.linkTarget(Array("/proc/self/fd/1".utf8)),
              path.first == UInt8(ascii: "/") else { return nil }
        // Still that file's name (not one removed: "/x (deleted)").
        return FileIdentity(ofPath: path, following: true) == FileIdentity(info) ? path : nil
    }

    /// The first of `tops` (relative to `base`) that is a directory
    /// holding `directory` (relative to `directoryBase`), itself or at any
    /// depth, and the names of the directories from it down to
    /// `directory`: climbed from `directory` by `..` to the root, compared
    /// by identity, so that any spelling of either finds it; each step's
    /// name found in its parent's listing.
    static func treeHolding(_ directory: [UInt8], relativeTo directoryBase: Int32, among tops: [[UInt8]],
                            relativeTo base: Int32, dereference: Bool) -> (top: [UInt8], below: [[UInt8]])? {
        var directories: [(path: [UInt8], identity: FileIdentity)] = []
        for path in tops {
            var info = stat()
            if withCString(path, { fstatat(base, $0, &info, dereference ? 0 : AT_SYMLINK_NOFOLLOW) }) == 0,
               info.st_mode & S_IFMT == S_IFDIR {
                directories.append((path, FileIdentity(info)))
            }
        }
        guard !directories.isEmpty else { return nil }
        var fd = withCString(directory.isEmpty ? Array(".".utf8) : directory) {
            openat(directoryBase, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        var seen = Set<FileIdentity>()
        var below: [[UInt8]] = []
        while fd >= 0, let here = FileIdentity(ofOpen: fd), seen.insert(here).inserted {
            if let top = directories.first(where: { $0.identity == here }) {
                FileIO.close(fd)
                return (top.path, below.reversed())
            }
            let up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            FileIO.close(fd)
            fd = up
            if fd >= 0 { below.append(name(of: here, in: fd) ?? []) }
        }
        if fd >= 0 { FileIO.close(fd) }
        return nil
    }

    /// The name under which the directory open on `parent` holds `child`:
    /// looked for by the inode its listing gives, then, not found so (a
    /// mount point, whose listing gives the inode beneath it), among all
    /// its directories; each found confirmed by `fstatat`.
    private static func name(of child: FileIdentity, in parent: Int32) -> [UInt8]? {
        let listing = dup(parent)
        guard listing >= 0, let stream = fdopendir(listing) else {
            if listing >= 0 { FileIO.close(listing) }
            return nil
        }
        defer { closedir(stream) }
        for byInode in [true, false] {
            rewinddir(stream)
            while let entry = readdir(stream) {
                let type = entry.pointee.d_type
                if byInode ? UInt64(entry.pointee.d_ino) != child.inode : type != UInt8(DT_DIR) && type != UInt8(DT_UNKNOWN) {
                    continue
                }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
                guard !PathParts.isSelfOrParent(name) else { continue }
                var info = stat()
                if withCString(name, { fstatat(parent, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0, FileIdentity(info) == child {
                    return name
                }
            }
        }
        return nil
    }
}
