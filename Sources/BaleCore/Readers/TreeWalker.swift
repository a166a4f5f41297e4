#if canImport(Glibc)
import Glibc
#endif

/// Walks the paths given to `bale pack` and lists the archive's entries,
/// in a fixed order: each path as given, then, for a directory, its
/// children sorted by name bytes, depth first (the order of GNU tar's
/// `--sort=name`). The same tree always gives the same list, so the same
/// archive bytes.
///
/// A path that cannot be examined, or a directory that cannot be read, is
/// a warning naming it and is left out (the job then ends with exit 2, as
/// GNU tar's; `PackCommand` checks the paths given before it starts);
/// sockets are left out with a warning (tar cannot store
/// them). Hard links: the first name of a file with several links is
/// stored with its content, later names as links to it.
public struct TreeWalker {
    /// What to walk and how.
    public struct Options: Sendable {
        /// Follow symbolic links (`-h`): store what they point to.
        public var dereference = false
        /// Glob patterns (`--exclude`): an entry whose name or any path
        /// suffix matches is left out, with everything under it.
        public var excludes: [String] = []
        /// Do not descend into other file systems (`--one-file-system`).
        public var oneFileSystem = false
        /// Keep only this part of the entries (`--shard K/N`): every
        /// directory (so each part unpacks into the same tree), and the
        /// other entries by name; a hard link goes with the file it names,
        /// so that each part is whole.
        public var shard: Shard?
        /// A file never to store: the archive being written, when the walk
        /// runs while it is (its temporary file may lie inside the tree).
        public var skippedFile: FileIdentity?
        public init() {}
    }

    /// A file's device and inode: what makes it the same file under any name.
    public struct FileIdentity: Hashable, Sendable {
        public var device: UInt64
        public var inode: UInt64
        public init(device: UInt64, inode: UInt64) {
            self.device = device
            self.inode = inode
        }
    }

    public var options: Options
    /// Problems met while walking, each naming the path.
    public private(set) var warnings: [Diagnostic] = []
    /// True when something could not be read (exit 2: the archive holds the rest).
    public private(set) var hadErrors = false
    /// What was removed from the front of the paths given, said once per
    /// prefix as GNU tar says it: notices that change nothing in the
    /// exit status.
    public private(set) var notices: [Diagnostic] = []
    private var noticedPrefixes: Set<[UInt8]> = []

    private var hardLinks: [FileIdentity: [UInt8]] = [:]
    private var names = NameCache()
    private var directoriesOnPath: [FileIdentity] = []
    private var topDevice: UInt64?
    /// Set when `deliver` asks to stop.
    private var stopped = false

    public init(options: Options) { self.options = options }

    /// Walks `paths`, handing the entries to `deliver` in archive order as
    /// they are found, in batches of about `batchSize`; stops early when
    /// `deliver` returns false.
    public mutating func walk(bytePaths paths: [[UInt8]], batchSize: Int = 256,
                              deliver: ([TarEntry]) -> Bool) {
        var batch: [TarEntry] = []
        let shard = options.shard
        func flush(_ batch: inout [TarEntry], _ force: Bool) -> Bool {
            guard force || batch.count >= batchSize else { return true }
            if let shard {
                batch.removeAll { entry in
                    entry.kind != .directory && !shard.takes(entry.kind == .hardLink ? entry.linkTarget : entry.name)
                }
            }
            defer { batch.removeAll(keepingCapacity: true) }
            return batch.isEmpty ? true : deliver(batch)
        }
        stopped = false
        for path in paths where !stopped {
            var bytes = path
            while bytes.count > 1 && bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
            topDevice = nil
            let (name, removed) = Self.memberName(bytes)
            if !removed.isEmpty && !noticedPrefixes.contains(removed) {
                // Once per prefix, as GNU tar says it (exit status unchanged).
                noticedPrefixes.insert(removed)
                notices.append(.notice(path: nil, "Removing leading `\(String(decoding: removed, as: UTF8.self))' from member names"))
            }
            walk(source: bytes, name: name, into: &batch, top: true, flush: flush)
        }
        if !stopped { _ = flush(&batch, true) }
    }

    /// The name a path gets in the archive: what `memberName` keeps.
    static func archiveName(_ path: [UInt8]) -> [UInt8] { memberName(path).name }

    /// The name a path gets in the archive, and the prefix GNU tar would
    /// name in its notice ("Removing leading `../' from member names")),
    /// empty when only "./" went.
    ///
    /// As GNU tar (`safer_name_suffix`): everything up to and including the
    /// last ".." component goes, then the slashes after it, so that no
    /// stored name climbs out of the directory it is extracted into
    /// (`../f` → `f`, `a/../b` → `b`, `a/b/../../c/d` → `c/d`, `/etc/x` →
    /// `etc/x`); the rest is kept as it is. bale then also drops a leading
    /// "./", as it always has (so `.` and `a/..` store their contents
    /// under their own names, with no "./" entry).
    static func memberName(_ path: [UInt8]) -> (name: [UInt8], removed: [UInt8]) {
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
        let removed = Array(path[..<cut])
        var name = path[cut...]
        while true {
            if name.first == slash { name = name.dropFirst(); continue }
            if name.starts(with: [dot, slash]) { name = name.dropFirst(2); continue }
            break
        }
        return (name.isEmpty || name.elementsEqual([dot]) ? [] : Array(name), removed)
    }

    private func excluded(_ name: [UInt8]) -> Bool {
        guard !options.excludes.isEmpty, !name.isEmpty else { return false }
        return FileSelection.matches(options.excludes, String(decoding: name, as: UTF8.self))
    }

    /// A problem about `path`: a warning when something could not be read
    /// (`error`), else a notice that leaves the exit status alone.
    private mutating func warn(path: String, _ cause: String, error: Bool = true) {
        warnings.append(error ? .warning(path: path, cause) : .notice(path: path, cause))
        if error { hadErrors = true }
    }

    private mutating func walk(source: [UInt8], name: [UInt8], into result: inout [TarEntry], top: Bool,
                               flush: (inout [TarEntry], Bool) -> Bool) {
        if excluded(name) || stopped { return }
        var info = stat()
        let display = String(decoding: source, as: UTF8.self)
        let status = withCString(source) { options.dereference ? stat($0, &info) : lstat($0, &info) }
        if status != 0 {
            warn(path: display, "Cannot stat: \(SystemError.current("stat").reason)")
            return
        }
        let type = info.st_mode & S_IFMT
        if options.oneFileSystem {
            if top { topDevice = UInt64(info.st_dev) }
            if let topDevice, UInt64(info.st_dev) != topDevice {
                warn(path: display, "file is on a different filesystem; not dumped", error: false)
                return
            }
        }
        var entry = TarEntry(
            name: name, sourcePath: source, kind: .file, mode: UInt32(info.st_mode & 0o7777),
            userID: info.st_uid, groupID: info.st_gid, modificationSeconds: Int64(info.st_mtim.tv_sec))
        entry.modificationNanoseconds = Int32(info.st_mtim.tv_nsec)
        entry.userName = names.user(info.st_uid)
        entry.groupName = names.group(info.st_gid)
        let key = FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        if key == options.skippedFile { return }

        switch type {
        case S_IFREG:
            if info.st_nlink > 1 {
                if let first = hardLinks[key] {
                    entry.kind = .hardLink
                    entry.linkTarget = first
                    result.append(entry)
                    return
                }
                hardLinks[key] = name
            }
            entry.size = Int64(info.st_size)
            entry.walkedStamp = .init(info)
            if !name.isEmpty { result.append(entry) }
        case S_IFLNK:
            entry.kind = .symbolicLink
            entry.linkTarget = readLink(source) ?? []
            result.append(entry)
        case S_IFDIR:
            if options.dereference && directoriesOnPath.contains(key) {
                warn(path: display, "Symbolic link loop: directory already being archived")
                return
            }
            entry.kind = .directory
            if !name.isEmpty {
                entry.name = name + [UInt8(ascii: "/")]
                result.append(entry)
            }
            directoriesOnPath.append(key)
            defer { directoriesOnPath.removeLast() }
            guard let children = listDirectory(source) else { return }
            for child in children {
                let childSource = source == [UInt8(ascii: "/")] ? [UInt8(ascii: "/")] + child : source + [UInt8(ascii: "/")] + child
                walk(source: childSource, name: name.isEmpty ? child : name + [UInt8(ascii: "/")] + child,
                     into: &result, top: false, flush: flush)
                if !stopped && !flush(&result, false) { stopped = true }
                if stopped { return }
            }
        case S_IFIFO:
            entry.kind = .fifo
            result.append(entry)
        case S_IFCHR, S_IFBLK:
            entry.kind = type == S_IFCHR ? .characterDevice : .blockDevice
            // glibc's encoding of dev_t (the major/minor macros are not importable).
            let device = UInt64(info.st_rdev)
            entry.deviceMajor = UInt32(truncatingIfNeeded: ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff))
            entry.deviceMinor = UInt32(truncatingIfNeeded: (device & 0xff) | ((device >> 12) & ~0xff))
            result.append(entry)
        case S_IFSOCK:
            warn(path: display, "socket ignored", error: false)
        default:
            warn(path: display, "unknown file type; not dumped")
        }
    }

    private func readLink(_ path: [UInt8]) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let length = withCString(path) { cPath in
            buffer.withUnsafeMutableBytes { readlink(cPath, $0.baseAddress!.assumingMemoryBound(to: CChar.self), 4096) }
        }
        return length < 0 ? nil : Array(buffer[0..<length])
    }

    /// The names in a directory, sorted by bytes; nil (with a warning) if it cannot be read.
    private mutating func listDirectory(_ path: [UInt8]) -> [[UInt8]]? {
        switch DirectoryListing.names(path) {
        case .success(let names): return names
        case .failure(let error):
            warn(path: String(decoding: path, as: UTF8.self), "Cannot open: \(error.reason)")
            return nil
        }
    }
}

/// Calls `body` with `bytes` as a NUL-terminated C string.
func withCString<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
    (bytes + [0]).withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { body($0) }
    }
}

/// User and group names by id, looked up once each.
struct NameCache {
    private var users: [uid_t: [UInt8]] = [:]
    private var groups: [gid_t: [UInt8]] = [:]

    mutating func user(_ id: uid_t) -> [UInt8] {
        if let name = users[id] { return name }
        var record = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let name: [UInt8] = getpwuid_r(id, &record, &buffer, buffer.count, &found) == 0 && found != nil
            ? Array(String(cString: record.pw_name).utf8) : []
        users[id] = name
        return name
    }

    mutating func group(_ id: gid_t) -> [UInt8] {
        if let name = groups[id] { return name }
        var record = Glibc.group()
        var found: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let name: [UInt8] = getgrgid_r(id, &record, &buffer, buffer.count, &found) == 0 && found != nil
            ? Array(String(cString: record.gr_name).utf8) : []
        groups[id] = name
        return name
    }
}
