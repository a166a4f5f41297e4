#if canImport(Glibc)
import Glibc
#endif

/// Where an output the user named (`-o`, `--manifest`, `--json-file`)
/// really goes, and whether two such names are one file.
///
/// A finished output is renamed over its name (`AtomicOutputFile`), so
/// the name must be the file's own, not a symbolic link's: renamed over a
/// link, the file replaced the link and never reached what it pointed
/// at (`pack -o lk.tgz` left lk.tgz a file and its target as it was;
/// `-o /dev/stdout > backup.tgz` left backup.tgz empty, exit 0, and as
/// root made /dev/stdout a regular file for the whole machine). GNU tar
/// and a shell's `>` write through a link; bale follows the links to the
/// name they end at and renames the finished file over that one, so the
/// link stays and the file it names is replaced whole.
///
/// A name for one of the descriptors bale was handed (`/dev/stdout`,
/// `/dev/fd/3`, `/proc/self/fd/3`: `--manifest /dev/fd/3 3> m.txt`) is
/// that descriptor, written as it stands, as standard output is: opened
/// again by its name it would be truncated (a log opened for appending
/// would lose its lines), and renamed over it would be the link.
public enum OutputDestination: Equatable {
    /// One of the descriptors bale was started with.
    case descriptor(Int32)
    /// A name for a descriptor bale was not handed (`/dev/fd/9` with
    /// nothing open there): nothing to write, EBADF as the shell says.
    case closedDescriptor
    /// A name that cannot be followed: the errno the kernel gives for it.
    /// ELOOP past `maximumLinks` links (a link to itself); EACCES for a
    /// link the kernel would not follow either (`mayFollow`).
    case unfollowable(Int32)
    /// A file's name, every symbolic link on the way followed (the file
    /// may not exist yet: a dangling link's target is created, as `>` does).
    case file([UInt8])

    /// Symbolic links followed at most, the kernel's own limit.
    static let maximumLinks = 40

    /// What `path` names.
    public init(_ path: [UInt8]) {
        var current = path
        for _ in 0...Self.maximumLinks {
            if let fd = InheritedDescriptors.number(named: current) {
                self = InheritedDescriptors.contains(fd) ? .descriptor(fd) : .closedDescriptor
                return
            }
            var info = stat()
            guard withCString(current, { lstat($0, &info) }) == 0, info.st_mode & S_IFMT == S_IFLNK else {
                self = .file(current)
                return
            }
            let parts = PathParts(current)
            guard Self.mayFollow(link: info, in: parts.directory) else {
                self = .unfollowable(EACCES)
                return
            }
            guard let target = Self.linkTarget(current) else {
                self = .file(current)  // gone since: its open says what it is now
                return
            }
            current = target.first == UInt8(ascii: "/") ? target : parts.prefix + target
        }
        self = .unfollowable(ELOOP)
    }

    /// Whether the kernel would follow the link `link` (its lstat) in
    /// `directory` for this process, with `fs.protected_symlinks` on (the
    /// default of common distributions): not a link in a sticky directory
    /// anyone may write (/tmp) that belongs neither to this process's user
    /// nor to the directory's owner. Following links by hand (`lstat`,
    /// `readlink`, then a rename over the name found) would get round that
    /// rule: root's `pack -o /tmp/b.tgz` through a link another user put
    /// there to /etc/shadow would replace /etc/shadow, where `tar -czf` and
    /// a shell's `>` fail with "Permission denied". Held whatever the
    /// sysctl says.
    private static func mayFollow(link: stat, in directory: [UInt8]) -> Bool {
        if link.st_uid == geteuid() { return true }
        var parent = stat()
        guard withCString(directory, { stat($0, &parent) }) == 0 else { return false }
        let stickyAndOpen = mode_t(S_ISVTX) | S_IWOTH
        return parent.st_mode & stickyAndOpen != stickyAndOpen || parent.st_uid == link.st_uid
    }

    /// What `path` names, `-` being standard output.
    public init(commandLine path: String) {
        self = path == "-" ? .descriptor(1) : OutputDestination(TerminalText.bytes(ofName: path))
    }

    /// Whether the outputs named `first` and `second` (`-`: standard
    /// output) are one file, so that one would overwrite or garble the
    /// other (`pack -o x.tgz --manifest ./x.tgz` left only the manifest,
    /// exit 0, and with --remove-files no copy of the data at all): the
    /// same file (device and inode), or, for names not there yet, the
    /// same name in the same directory. Character devices (/dev/null)
    /// take any number of writers and are never the same file here.
    public static func sameFile(_ first: String, _ second: String) -> Bool {
        guard let one = OutputDestination(commandLine: first).identity, let two = OutputDestination(commandLine: second).identity
        else { return false }
        return one == two
    }

    /// Whether this is the file `info` describes: the file at the name,
    /// or the one open on the descriptor.
    public func isFile(_ info: stat) -> Bool {
        var named = stat()
        switch self {
        case .closedDescriptor, .unfollowable: return false
        case .descriptor(let fd): guard fstat(fd, &named) == 0 else { return false }
        case .file(let path): guard withCString(path, { stat($0, &named) }) == 0 else { return false }
        }
        return FileIdentity(named) == FileIdentity(info)
    }

    /// What identifies the file written: see `sameFile`. Nil for a
    /// character device, or a name whose directory cannot be looked at.
    private var identity: Identity? {
        var info = stat()
        switch self {
        case .closedDescriptor, .unfollowable:
            return nil
        case .descriptor(let fd):
            guard fstat(fd, &info) == 0 else { return nil }
        case .file(let path):
            if withCString(path, { stat($0, &info) }) != 0 {
                // Not there yet: its directory and its name.
                let parts = PathParts(path)
                guard withCString(parts.directory, { stat($0, &info) }) == 0 else { return nil }
                return Identity(file: FileIdentity(info), name: parts.name)
            }
        }
        return info.st_mode & S_IFMT == S_IFCHR ? nil : Identity(file: FileIdentity(info), name: nil)
    }

    /// A file, or a name not yet taken in a directory (`file` is then the directory's).
    private struct Identity: Equatable {
        var file: FileIdentity
        var name: [UInt8]?
    }

    /// What the symbolic link `path` holds; nil if it cannot be read.
    static func linkTarget(_ path: [UInt8]) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX))
        let length = withCString(path) { name in
            buffer.withUnsafeMutableBytes { readlink(name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
        }
        return length <= 0 ? nil : Array(buffer[0..<length])
    }
}
