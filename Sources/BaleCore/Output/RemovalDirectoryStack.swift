#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// The open directories on the way to the files `pack --remove-files`
/// removes, from the directory the pack read from (`-C`) down.
///
/// A name is removed with `unlinkat` relative to its directory's
/// descriptor, never by a whole path, and every directory on the way is
/// opened relative to the one above it. Inside the trees that were
/// archived every directory is opened with O_NOFOLLOW and must still be
/// the directory the walk saw (same device and inode): a directory
/// replaced by a symbolic link, or by another directory, after it was
/// archived fails here (`Failure.replaced`), so a removal can never be led
/// out of the tree that was archived. The directories above a path given
/// (`/var/log` for `/var/log/app`) are opened as the walk opened them,
/// links followed, as the user named them; a path given itself is one of
/// the directories archived, and checked.
///
/// The entries come in reverse archive order (a directory's contents
/// before it), so the next entry's directory is nearly always the last
/// one, one of its ancestors or a child: the whole path is kept open and
/// only what differs is opened. At most `maximumOpenDirectories`
/// descriptors stay open (the deepest); a directory whose descriptor was
/// given up is opened again from its nearest open ancestor, checked to be
/// the same directory, so a tree of any depth is removed within a
/// process's descriptor limit (as `TreeWalk` walks it).
///
/// A class because it owns descriptors, closed when it is dropped. Used by
/// one thread.
final class RemovalDirectoryStack {
    /// Why the directory holding an entry cannot be used.
    enum Failure: Error {
        /// The directory `path` cannot be opened (ENOENT: it is gone).
        case cannotOpen(path: [UInt8], SystemError)
        /// `path` is no longer the directory that was archived (a symbolic
        /// link now, or another directory).
        case replaced(path: [UInt8])
    }

    /// How many directory descriptors stay open at most: a walk's share of
    /// the descriptor limit (`DescriptorLimit.directoryShare`).
    static let maximumOpenDirectories = DescriptorLimit.directoryShare

    private let base: Int32
    /// The identity of every directory archived, by its path as walked.
    private let archived: [[UInt8]: FileIdentity]
    /// The path of the deepest directory open; each frame is a prefix of it.
    private var current: [UInt8] = []
    private var frames: [Frame] = []
    private var openCount = 0

    /// One directory on the path: its name in `current`, what it was when
    /// first opened, and its descriptor (-1 when given up).
    private struct Frame {
        var name: Range<Int>
        var identity: FileIdentity
        /// Opened with O_NOFOLLOW: inside a tree archived.
        var guarded: Bool
        var fd: Int32
    }

    /// A stack under the directory open on `base` (not closed by it);
    /// `archived` holds the identity of every directory archived, by path.
    init(base: Int32, archived: [[UInt8]: FileIdentity]) {
        self.base = base
        self.archived = archived
    }

    deinit {
        for frame in frames where frame.fd >= 0 { FileIO.close(frame.fd) }
    }

    /// The components of `path`, as byte ranges; a leading "/" is a
    /// component of its own (the root). Empty components ("a//b") are
    /// skipped; a path's prefix up to a component's end is the path the
    /// walk gave that directory.
    static func components(of path: [UInt8]) -> [Range<Int>] {
        let slash = UInt8(ascii: "/")
        var result: [Range<Int>] = []
        var start = 0
        if path.first == slash {
            result.append(0..<1)
            start = 1
        }
        var index = start
        while index <= path.count {
            if index == path.count || path[index] == slash {
                if index > start { result.append(start..<index) }
                start = index + 1
            }
            index += 1
        }
        return result
    }

    /// The descriptor of the directory made of the first `count`
    /// components of `path` (`base` for none), opening what is not open.
    func directory(_ path: [UInt8], components: [Range<Int>], count: Int) -> Result<Int32, Failure> {
        guard count > 0 else { return .success(base) }
        // Keep the frames this path shares with the one open: a frame
        // matches when its prefix is the same bytes (then so do those above).
        var kept = min(frames.count, count)
        while kept > 0 {
            let end = components[kept - 1].upperBound
            if frames[kept - 1].name.upperBound == end && current[..<end].elementsEqual(path[..<end]) { break }
            kept -= 1
        }
        drop(from: kept)
        current = Array(path[..<components[count - 1].upperBound])
        if kept > 0, case .failure(let failure) = reopen(kept - 1) { return .failure(failure) }
        for level in kept..<count {
            let name = components[level]
            let prefix = Array(path[..<name.upperBound])
            let expected = archived[prefix]
            let guarded = expected != nil || (level > 0 && frames[level - 1].guarded)
            switch open(level: level, name: name, guarded: guarded) {
            case .failure(let failure): return .failure(failure)
            case .success(let (fd, identity)):
                if let expected, expected != identity {
                    FileIO.close(fd)
                    return .failure(.replaced(path: prefix))
                }
                frames.append(Frame(name: name, identity: identity, guarded: guarded, fd: fd))
                openCount += 1
                limitOpenDirectories()
            }
        }
        return .success(frames[count - 1].fd)
    }

    /// Opens the directory `name` (a range of `current`) in the frame
    /// above `level`: its descriptor and identity.
    private func open(level: Int, name: Range<Int>, guarded: Bool) -> Result<(Int32, FileIdentity), Failure> {
        let parent = level == 0 ? base : frames[level - 1].fd
        let component = Array(current[name])
        let flags = O_DIRECTORY | O_CLOEXEC | (guarded ? O_NOFOLLOW : 0)
        let fd = withCString(component) { bale_open_path(parent, $0, flags) }
        let failure = fd < 0 ? SystemError.current("open") : nil  // before the prefix is made: it allocates
        let prefix = Array(current[..<name.upperBound])
        if let failure {
            // O_NOFOLLOW on a link: ELOOP; a link to a file, or a file: ENOTDIR.
            if guarded && (failure.code == ELOOP || failure.code == ENOTDIR) { return .failure(.replaced(path: prefix)) }
            return .failure(.cannotOpen(path: prefix, failure))
        }
        var info = stat()
        if fstat(fd, &info) != 0 {
            let error = SystemError.current("fstat")
            FileIO.close(fd)
            return .failure(.cannotOpen(path: prefix, error))
        }
        return .success((fd, FileIdentity(info)))
    }

    /// Opens again, if it was given up, the directory at `level`, from its
    /// nearest open ancestor down, each checked to be what it was.
    private func reopen(_ level: Int) -> Result<Void, Failure> {
        guard frames[level].fd < 0 else { return .success(()) }
        var first = level
        while first > 0 && frames[first - 1].fd < 0 { first -= 1 }
        for index in first...level {
            switch open(level: index, name: frames[index].name, guarded: frames[index].guarded) {
            case .failure(let failure):
                drop(from: index)
                return .failure(failure)
            case .success(let (fd, identity)):
                guard identity == frames[index].identity else {
                    FileIO.close(fd)
                    drop(from: index)
                    return .failure(.replaced(path: Array(current[..<frames[index].name.upperBound])))
                }
                frames[index].fd = fd
                openCount += 1
            }
        }
        limitOpenDirectories()
        return .success(())
    }

    /// Closes and forgets the frames from `level` down.
    private func drop(from level: Int) {
        guard level < frames.count else { return }
        for frame in frames[level...] where frame.fd >= 0 {
            FileIO.close(frame.fd)
            openCount -= 1
        }
        frames.removeLast(frames.count - level)
    }

    /// Gives up the shallowest descriptors beyond the bound.
    private func limitOpenDirectories() {
        var index = 0
        while openCount > Self.maximumOpenDirectories && index < frames.count - 1 {
            if frames[index].fd >= 0 {
                FileIO.close(frames[index].fd)
                frames[index].fd = -1
                openCount -= 1
            }
            index += 1
        }
    }
}
