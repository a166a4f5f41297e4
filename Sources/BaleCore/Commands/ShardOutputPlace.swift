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
/// would not take is not: one a glob of `--exclude` matches, on any
/// component of its path, as the batch sample's `--exclude '.bale-part-*'`
/// leaves its manifests out, or, with `--include`, one no glob takes.
enum ShardOutputPlace {
    /// The refusal of `output` (`what` it is, for the message: "the
    /// archive", "the manifest"), a path relative to where bale started,
    /// for a part of `shard` (N above 1) walking `tops` (relative to
    /// `base`) under `policy`'s names; nil when it may be written there.
    static func refusal(of output: String?, _ what: String, shard: Shard?, tops: [[UInt8]], relativeTo base: Int32,
                        dereference: Bool, policy: TreeWalkPolicy) -> Diagnostic? {
        guard let shard, shard.count > 1, let output, output != "-" else { return nil }
        let bytes = TerminalText.bytes(ofName: output)
        let parts = PathParts(bytes)
        guard policy.takesName(parts.name) else { return nil }
        let components = bytes.split(separator: UInt8(ascii: "/")).map(Array.init)
        if components.contains(where: { !PathParts.isSelfOrParent($0) && policy.leavesOut(path: $0, name: $0) }) {
            return nil
        }
        guard let top = treeHolding(parts.directory, relativeTo: AT_FDCWD, among: tops, relativeTo: base,
                                    dereference: dereference) else { return nil }
        return .error(path: output, "\(what) would lie inside \(TerminalText.name(top)), which the parts walk: "
                      + "the other parts would take it; write it outside, or --exclude its name")
    }

    /// The first of `tops` (relative to `base`) that is a directory
    /// holding `directory` (relative to `directoryBase`), itself or at any
    /// depth: climbed from `directory` by `..` to the root, compared by
    /// identity, so that any spelling of either finds it.
    static func treeHolding(_ directory: [UInt8], relativeTo directoryBase: Int32, among tops: [[UInt8]],
                            relativeTo base: Int32, dereference: Bool) -> [UInt8]? {
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
        while fd >= 0, let here = FileIdentity(ofOpen: fd), seen.insert(here).inserted {
            if let top = directories.first(where: { $0.identity == here }) {
                FileIO.close(fd)
                return top.path
            }
            let up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            FileIO.close(fd)
            fd = up
        }
        if fd >= 0 { FileIO.close(fd) }
        return nil
    }
}
