#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Synchronization

/// An output file that appears under its name only when complete.
///
/// Data goes to a temporary file beside the target (same directory, so
/// same file system, so `rename` is atomic), named `.NAME.bale-XXXXXX` so
/// a stray one is recognisable. For an output beside its input, and
/// `pack -o`'s archive (`holdingDirectory`), the directory is opened
/// once, when the file is made, and the file is made, renamed and
/// removed relative to it (openat, renameat, unlinkat), as GNU gzip does:
/// a directory renamed while bale writes (a log directory rotated by
/// `mv`) still gets the finished file where it was begun. By path, the
/// rename failed at the end and the cleanup missed the temporary file,
/// left whole in the renamed directory (a probe: a 300 MB
/// `.f.gz.bale-…`, exit 1).
/// `commit` gives it the input's mode and
/// times, optionally fsyncs it (and, once renamed, its directory), and
/// renames it over the target; `discard` removes it. If a signal ends bale in between, the handler of
/// `ProcessSignals.installTerminationCleanup()` removes it (every
/// temporary file is registered with it as it is created). So a reader of the target sees
/// the old file or the whole new one, never a partial one.
///
/// A target that exists and is neither a regular file nor a directory (a
/// device such as /dev/null or /dev/full, a FIFO, /dev/stdout or
/// /dev/fd/N) is written directly instead: renaming a temporary file over
/// it would replace the device with a regular file (as root, /dev/null
/// itself) and the bytes would never reach it; its write errors are then
/// the target's, reported like any other (`--json-file /dev/full`: exit 1).
/// That is for a target the user named (`-o`, `--manifest`,
/// `--json-file`), whose symbolic links are followed to the name they end
/// at, the one replaced, and whose name for a descriptor bale was handed
/// (`/dev/stdout`, `/dev/fd/3`) is that descriptor, written as it stands
/// (`OutputDestination`). An output
/// bale names itself beside its input (`gzip FILE`, `gunzip -r`) is made
/// with `writesDevicesDirectly` false: with -f it replaces whatever holds
/// its name, as gzip's does, for the input is removed once it is written,
/// and a FILE.gz left pointing at /dev/null would swallow the data.
///
/// Writes go straight to `fd` (one writer at a time: the collector, then
/// the command after joining it); whether the file is still open and
/// registered is reachable only under its lock, so `discard` from `deinit`
/// or a failing command never races `commit`.
public final class AtomicOutputFile: Sendable {
    /// The final name, for messages.
    public var path: String { TerminalText.name(pathBytes) }
    /// The final name as given, as bytes (any bytes a file name may hold).
    private let pathBytes: [UInt8]
    /// The name the finished file is renamed to, in `directory`: the last
    /// component of `pathBytes`, or of where its symbolic links lead
    /// (`OutputDestination`); the whole path when the directory is not held.
    private let targetName: [UInt8]
    /// The temporary name the data is written under, in `directory`.
    private let temporaryName: [UInt8]
    /// The directory both names are in, open (O_PATH) from the file's
    /// creation until it is renamed or removed; AT_FDCWD when it is not
    /// held (the names are then paths); -1 for a target written directly.
    private let directory: Int32
    /// The open temporary file.
    public let fd: Int32
    /// The mode the temporary file was created with, when it was given one.
    private let createdMode: mode_t?

    /// Whether `fd` is still open, the temporary file's slot in the
    /// signal handler's list (-1 once unregistered), and whether
    /// `directory` is still open (the handler removes the temporary file
    /// relative to it, so it is closed only after the slot is given up).
    private struct Lifecycle {
        var open = true
        var slot: Int32 = -1
        var directoryOpen = false
        /// The file renamed into place, once committed.
        var committed: FileIdentity?
        /// A descriptor of the committed file that keeps its lock after the
        /// commit (`commit(keepingLock:)`), until `releaseLock`; -1 for none.
        var lockHeld: Int32 = -1
    }

    /// The file now under the target's name, once `commit` renamed it
    /// there, with that name (nil before, and for a target written
    /// directly): what an input's removal waits on (`InputRemoval`).
    var committedOutput: InputRemoval.Output? {
        lifecycle.withLock { $0.committed }.map { InputRemoval.Output(path: pathBytes, identity: $0) }
    }

    private let lifecycle: Mutex<Lifecycle>
    /// True when the target is written directly (a device, a FIFO).
    private let direct: Bool

    /// Creates the temporary file for `path`.
    public convenience init(path: String) throws(BaleError) {
        try self.init(pathBytes: TerminalText.bytes(ofName: path))
    }

    /// Creates the temporary file for the path `pathBytes`; with `mode`, it
    /// is created with that mode (less the umask) rather than 0600, so that
    /// `commit` can skip its chmod when that is already the final mode.
    /// With `writesDevicesDirectly` false, a device or FIFO (or a symbolic
    /// link to one) at `pathBytes` is replaced like any file.
    ///
    /// With `holdingDirectory`, the output's directory is held open until
    /// the file is renamed or removed (see above): one descriptor more for
    /// the job, which an output beside its input (`gzip FILE`, `gzip -r`)
    /// spends, and `pack -o` where descriptors are plenty (`PackCommand`:
    /// under a limit such as `ulimit -n 14`, its walk and read-ahead need
    /// every one, DeepFilesLowLimitTests); the manifests name their output
    /// by path.
    ///
    /// With `expected` (and `holdingDirectory`), the directory opened
    /// must be that one, or nothing is made (`BaleError.directoryReplaced`):
    /// `gzip -r` gives the directory its walk listed, so that one replaced
    /// by a symbolic link to elsewhere since gets no output, nor even a
    /// temporary file, outside the tree.
    public convenience init(pathBytes: [UInt8], mode: mode_t? = nil, writesDevicesDirectly: Bool = true,
                            holdingDirectory: Bool = false, in expected: FileIdentity? = nil) throws(BaleError) {
        let target: [UInt8]
        switch try Self.destination(of: pathBytes, writesDevicesDirectly: writesDevicesDirectly) {
        case .descriptor(let given):
            // Its own copy, closed by `commit` (the one handed over stays).
            let fd = fcntl(given, F_DUPFD_CLOEXEC, 0)
            if fd < 0 { throw Self.cannotOpen(pathBytes, "open") }
            self.init(pathBytes: pathBytes, direct: fd)
            return
        case .device(let device):
            let fd = withCString(device) { Glibc.open($0, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY) }
            if fd < 0 { throw Self.cannotOpen(pathBytes, "open") }
            self.init(pathBytes: pathBytes, direct: fd)
            return
        case .file(let resolved):
            target = resolved
        }
        let parts = PathParts(target)
        let name = parts.name
        // O_PATH: enough for openat, renameat and unlinkat, and a
        // directory one may write in but not list (mode 0300) opens too.
        let directory = holdingDirectory
            ? withCString(parts.directory) { bale_open_path(AT_FDCWD, $0, O_DIRECTORY | O_CLOEXEC) } : AT_FDCWD
        if directory == -1 { throw Self.cannotOpen(pathBytes, "create") }
        if holdingDirectory, let expected {
            var info = stat()
            guard fstat(directory, &info) == 0, FileIdentity(info) == expected else {
                FileIO.close(directory)
                throw .directoryReplaced(path: TerminalText.name(pathBytes))
            }
        }
        // Without the directory held, both names are paths from the current directory.
        let before = holdingDirectory ? [] : parts.prefix
        var template = (before + Self.temporaryTemplate(for: name)).map { CChar(bitPattern: $0) } + [0]
        var registered: Int32 = -1
        let fd = template.withUnsafeMutableBufferPointer { template in
            // The permission bits only (a sticky input's mode made a sticky .gz).
            bale_create_temporary_at(directory, template.baseAddress!, UInt32((mode ?? 0o600) & 0o777), &registered)
        }
        if fd < 0 {
            let failure = SystemError.current("create")
            if holdingDirectory { FileIO.close(directory) }
            throw .cannotOpen(path: TerminalText.name(pathBytes), failure)
        }
        // Locked while it is written, by `bale_create_temporary_at` as it
        // is made (the lock goes with the descriptor, closed by `commit` or
        // `discard`, or by the kernel when the run is killed): another run
        // that meets it takes it for a live output, not a killed run's
        // leftover (`removeIfAbandoned`). A second `bale gzip FILE` while a
        // first still wrote removed the first's file, which then failed
        // ("write error: No such file").
        self.init(pathBytes: pathBytes, targetName: holdingDirectory ? name : target, directory: directory, fd: fd,
                  temporaryName: template.dropLast().map { UInt8(bitPattern: $0) },
                  createdMode: (mode ?? 0o600) & 0o777 & ~ProcessUmask.bits, direct: false, slot: registered)
    }

    /// The error of the call that just failed making the output named
    /// `pathBytes`: errno taken first, before the name is made (an
    /// allocation may change errno).
    private static func cannotOpen(_ pathBytes: [UInt8], _ operation: String) -> BaleError {
        let failure = SystemError.current(operation)
        return .cannotOpen(path: TerminalText.name(pathBytes), failure)
    }

    /// An output written straight into `fd`, which it now owns.
    private convenience init(pathBytes: [UInt8], direct fd: Int32) {
        self.init(pathBytes: pathBytes, targetName: pathBytes, directory: -1, fd: fd, temporaryName: [],
                  createdMode: nil, direct: true, slot: -1)
    }

    private init(pathBytes: [UInt8], targetName: [UInt8], directory: Int32, fd: Int32, temporaryName: [UInt8],
                 createdMode: mode_t?, direct: Bool, slot: Int32) {
        self.pathBytes = pathBytes
        self.targetName = targetName
        self.directory = directory
        self.fd = fd
        self.temporaryName = temporaryName
        self.createdMode = createdMode
        self.direct = direct
        lifecycle = Mutex(Lifecycle(slot: slot, directoryOpen: directory >= 0))  // AT_FDCWD is negative: never closed
    }

    /// Where an output named `pathBytes` goes, with what can be said
    /// against it before anything is made: the checks `init` and
    /// `checkCanBeMade` share.
    private enum Destination {
        /// A descriptor bale was handed (`/dev/stdout`, `/dev/fd/3`).
        case descriptor(Int32)
        /// An existing device or FIFO, written directly.
        case device([UInt8])
        /// A regular file to make under a temporary name and rename.
        case file([UInt8])
    }

    private static func destination(of pathBytes: [UInt8], writesDevicesDirectly: Bool) throws(BaleError) -> Destination {
        let named = writesDevicesDirectly ? OutputDestination(pathBytes) : .file(pathBytes)
        let target: [UInt8]
        switch named {
        case .descriptor(let given):
            return .descriptor(given)
        case .closedDescriptor:
            throw .cannotOpen(path: TerminalText.name(pathBytes), SystemError(code: EBADF, operation: "open"))
        case .unfollowable(let code):
            throw .cannotOpen(path: TerminalText.name(pathBytes), SystemError(code: code, operation: "open"))
        case .file(let resolved):
            target = resolved
        }
        if writesDevicesDirectly && Self.isDeviceOrFIFO(target) { return .device(target) }
        // A name that ends in a slash, or of an existing directory, names
        // a directory, as open(2) says (EISDIR), before any work: made
        // under a temporary name, the output was refused by the rename at
        // the end, the whole archive written for nothing ("No such file
        // or directory" for the slash, "Is a directory" for `pack -o d`).
        var existing = stat()
        if target.last == UInt8(ascii: "/") || pathBytes.last == UInt8(ascii: "/")
            || (withCString(target, { lstat($0, &existing) }) == 0 && existing.st_mode & S_IFMT == S_IFDIR) {
            throw .cannotOpen(path: TerminalText.name(pathBytes), SystemError(code: EISDIR, operation: "open"))
        }
        // A name no directory can hold (`gzip` of a 254-byte name): said
        // now, before any work, rather than by the rename at the end (the
        // temporary name is cut to fit, so it alone would be made). GNU
        // gzip cuts such an output's name and keeps the whole one in its
        // header; bale keeps no name there (as gzip -n), so a cut name
        // would lose the input's: the input is left as it is instead.
        // Nor a path the kernel refuses whole (PATH_MAX bytes or more: an
        // input 4,095 bytes deep whose `.gz` is longer): made through its
        // directory, the output was written whole, then every check by
        // path failed on it ("taken by another process", exit 2), both
        // files were kept, and every later run stopped at the pair (a
        // probe helper). GNU gzip: "file name too long", exit 1, nothing
        // made; bale leaves such an input as it is, as it leaves one whose
        // own path is that long.
        if PathParts(target).name.count > Int(NAME_MAX) || target.count >= Int(PATH_MAX) {
            throw .cannotOpen(path: TerminalText.name(pathBytes),
                              SystemError(code: ENAMETOOLONG, operation: "create"))
        }
        return .file(target)
    }

    /// Checks, before a job starts, that an output it makes only at its
    /// end (`--manifest`, `--json-file`) can be made: the checks of `init`,
    /// and that its directory exists and may be written in. A job whose
    /// manifest's directory was mistyped failed after its archive (or
    /// `gzip -r`'s outputs) was made, exit 1 with the work done; GNU tar
    /// opens such a file (`--index-file`) before it starts, and a shell's
    /// `>` before the command. This makes nothing; `init` at the end
    /// still reports what changed in between.
    public static func checkCanBeMade(_ path: String) throws(BaleError) {
        let pathBytes = TerminalText.bytes(ofName: path)
        guard case .file(let target) = try destination(of: pathBytes, writesDevicesDirectly: true) else { return }
        let directory = PathParts(target).directory
        if withCString(directory, { faccessat(AT_FDCWD, $0, W_OK | X_OK, AT_EACCESS) }) != 0 {
            throw cannotOpen(pathBytes, "create")
        }
        // A directory removed while it is still the current one (a batch
        // job's scratch directory cleaned under it) passes the access
        // check but takes no new name (ENOENT): the job ran whole and
        // failed at its end, `gzip -r`'s inputs compressed and removed (a
        // probe helper). Its link count is 0.
        var info = stat()
        if withCString(directory, { stat($0, &info) }) == 0 && info.st_nlink == 0 {
            throw .cannotOpen(path: TerminalText.name(pathBytes), SystemError(code: ENOENT, operation: "create"))
        }
    }

    /// True when the target the user named `pathBytes` is written
    /// directly: a descriptor bale was handed, or a name (its links
    /// followed) that exists and is neither a regular file nor a
    /// directory (a device, a FIFO).
    public static func writesDirectly(_ pathBytes: [UInt8]) -> Bool {
        switch OutputDestination(pathBytes) {
        case .descriptor: return true
        case .closedDescriptor, .unfollowable: return false
        case .file(let target): return isDeviceOrFIFO(target)
        }
    }

    /// True when `path` exists and is neither a regular file nor a directory.
    private static func isDeviceOrFIFO(_ path: [UInt8]) -> Bool {
        var existing = stat()
        return withCString(path, { stat($0, &existing) }) == 0
            && existing.st_mode & S_IFMT != S_IFREG && existing.st_mode & S_IFMT != S_IFDIR
    }

    /// What a temporary name has before its six random letters and digits.
    static let temporaryMarker = ".bale-"

    /// The mkstemp template of the temporary name for a target named
    /// `name` (without directories): `.NAME.bale-XXXXXX`, NAME cut to fit
    /// (`temporaryStem`). The extractor's staged files use it too.
    static func temporaryTemplate(for name: [UInt8]) -> [UInt8] {
        [UInt8(ascii: ".")] + temporaryStem(of: name) + Array((temporaryMarker + "XXXXXX").utf8)
    }

    /// The part of the target's name `name` its temporary name holds: all
    /// of it, or as much as fits in a name of NAME_MAX (255) bytes with the
    /// dot, the marker and the six letters, so that a target whose own name
    /// is long but fits (`gzip` of a 245-byte name) can still be made.
    static func temporaryStem(of name: [UInt8]) -> [UInt8] {
        let room = Int(NAME_MAX) - 1 - temporaryMarker.utf8.count - 6
        return name.count <= room ? name : Array(name.prefix(room))
    }

    /// The part of the target's name a temporary name holds (its
    /// `temporaryStem`): `name` without its dot, marker and six letters.
    static func heldName(ofTemporary name: [UInt8]) -> [UInt8] {
        Array(name.dropFirst().dropLast(temporaryMarker.utf8.count + 6))
    }

    /// True when `name` (a file name, without directories) is one of ours,
    /// `.NAME.bale-RRRCCC`: left by a run that was killed before it could
    /// remove it (`bale gzip -r` removes those it meets). Three of the six
    /// letters check the rest of the name (`bale_is_temporary_name`), so a
    /// file of the user's that merely has the form is not taken for one.
    static func isTemporaryName(_ name: [UInt8]) -> Bool {
        name.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { bale_is_temporary_name($0.baseAddress, $0.count) != 0 }
        }
    }

    /// Removes the temporary file at `path` (one of ours by its name,
    /// `isTemporaryName`) unless a live run still writes it, which holds
    /// it locked; true when removed. Left by a run that was killed, it is
    /// unlocked.
    static func removeIfAbandoned(_ path: [UInt8]) -> Bool {
        removeIfAbandoned(path, in: AT_FDCWD)
    }

    /// Removes the temporary file `name` names in the open `directory`
    /// (or by path from the working directory, `AT_FDCWD`), as
    /// `removeIfAbandoned(_:)`: an extraction's own directories are held
    /// open, never named by a path that could lead through a link.
    static func removeIfAbandoned(_ name: [UInt8], in directory: Int32) -> Bool {
        let fd = withCString(name) { openat(directory, $0, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY) }
        guard fd >= 0 else { return false }
        defer { FileIO.close(fd) }
        // Only a regular file: a FIFO or device under such a name is an
        // extraction's staged node (`StagedName`), whose run holds no lock.
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        // A killed run's file was last written before this run began; one
        // changed since is a live run's, in the moment between its creation
        // and its lock (`bale_create_temporary_at`), where this lock would
        // have been taken first and the file removed under its run ("its
        // temporary file was replaced or removed", exit 1: a reading
        // helper's race of two `gzip -r` runs).
        guard bale_started_after(Int64(info.st_mtim.tv_sec), info.st_mtim.tv_nsec) != 0 else { return false }
        guard AdvisoryLock.takeExclusive(fd) else { return false }
        return withCString(name) { unlinkat(directory, $0, 0) } == 0
    }

    /// Writes all of `bytes` to the temporary file.
    public func write(_ bytes: [UInt8]) throws(BaleError) {
        do throws(SystemError) { try FileIO.write(fd, bytes) } catch { throw .writeFailed(path: path, error) }
    }

    /// Writes all of `bytes` to the temporary file.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        do { try FileIO.write(fd, from: base, count: bytes.count) } catch {
            throw .writeFailed(path: path, error)
        }
    }

    /// Cuts the temporary file back to its first `length` bytes and writes
    /// on from there: what a write that failed part-way (a full disk) left
    /// after them is gone, so the same bytes can be written again.
    public func rewind(to length: Int64) throws(BaleError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw .writeFailed(path: path, .current("ftruncate")) }
        guard lseek(fd, off_t(length), SEEK_SET) == off_t(length) else { throw .writeFailed(path: path, .current("lseek")) }
    }

    /// The attributes copied from the input onto the output, as gzip does.
    public struct Attributes: Sendable {
        public var mode: mode_t
        public var owner: uid_t
        public var group: gid_t
        public var accessTime: timespec
        public var modificationTime: timespec
        /// False when the file is known to get this owner anyway (it is
        /// ours, and not in a setgid directory): saves a chown.
        public var setsOwner = true

        /// The attributes of a file examined with stat, but for its
        /// setuid, setgid and sticky bits, which an output never gets (as
        /// GNU gzip's: a .gz is no program to run as its owner, and `-f`
        /// of a sticky file writes a plain one).
        public init(_ info: stat) {
            mode = info.st_mode & 0o777
            owner = info.st_uid
            group = info.st_gid
            accessTime = info.st_atim
            modificationTime = info.st_mtim
        }
    }

    /// The files a walk of a tree that holds the output must not store:
    /// the one being written, and the one the target's name holds now,
    /// which the output replaces. `pack d -o d/x.tgz` run again stored the
    /// last run's archive in the new one (each day's archive holding all
    /// those before it); GNU tar passes it over too ("file is the archive;
    /// not dumped").
    public var filesWritten: [FileIdentity] {
        var files: [FileIdentity] = []
        var info = stat()
        if fstat(fd, &info) == 0 { files.append(FileIdentity(info)) }
        if !direct, withCString(targetName, { fstatat(directory, $0, &info, 0) }) == 0 { files.append(FileIdentity(info)) }
        return files
    }

    /// True when the data goes to a temporary file renamed over the target
    /// by `commit`; false for a device or a FIFO written directly, which
    /// `commit` cannot make durable (`pack --remove-files` refuses it).
    public var isRenamedIntoPlace: Bool { !direct }

    /// What `commit` did with the finished file.
    public enum Commit: Sendable, Equatable {
        /// It is in place under the target's name (or was written into the device).
        case committed
        /// Something else holds the target's name, and `commit` was told
        /// not to replace it: that file is left as it was, and the
        /// temporary file is removed.
        case targetExists
    }

    /// Applies `attributes`, and renames the file into place; with `sync`,
    /// the file is flushed to disk before the rename and its directory
    /// after it, so that the new name itself survives a crash before
    /// anything that depends on it (an input removed) is done.
    ///
    /// With `replacing` false (gzip without -f), a file that took the
    /// target's name after the caller checked it was free is never
    /// replaced: the rename itself refuses an existing name
    /// (`bale_rename_noreplace_at`), so there is no window between a check
    /// and the rename, and `commit` answers `.targetExists`.
    ///
    /// `inputRemoval`: the run's removal of inputs, told when the file this
    /// output replaces was also a name of another file, which the rename
    /// takes away (`gzip -f f` where f.gz is a hard link to f): the input's
    /// change time moves with it, which is no change of the input's.
    @discardableResult
    public func commit(attributes: Attributes?, sync: Bool, replacing: Bool = true,
                       inputRemoval: InputRemoval? = nil, keepingLock: Bool = false) throws(BaleError) -> Commit {
        if direct {
            lifecycle.withLock { $0.open = false }
            do throws(SystemError) { try FileIO.closeChecked(fd) } catch { throw .writeFailed(path: path, error) }
            return .committed
        }
        if let attributes {
            // Owner first: chown may clear setuid bits, so the mode comes after.
            // Failing to give away the file (not root) is not an error, as in gzip.
            if attributes.setsOwner { _ = fchown(fd, attributes.owner, attributes.group) }
            if createdMode != attributes.mode || attributes.setsOwner && attributes.mode & 0o6000 != 0 {
                if fchmod(fd, attributes.mode) != 0 { throw .writeFailed(path: path, .current("fchmod")) }
            }
            var times = [attributes.accessTime, attributes.modificationTime]
            if futimens(fd, &times) != 0 { throw .writeFailed(path: path, .current("futimens")) }
        } else {
            // No input to copy from (standard input): the usual mode, less the umask.
            fchmod(fd, 0o666 & ~ProcessUmask.bits)
        }
        if sync, fsync(fd) != 0 { throw .writeFailed(path: path, .current("fsync")) }
        // The name must still hold the file written: another process may
        // have put its own there (a sync tool, a cleanup that remade it),
        // which renamed into place would have passed for the output, and
        // `--remove-files` then removed the inputs.
        var written = stat()
        guard fstat(fd, &written) == 0, holdsTheFileWritten(temporaryName, written) else {
            throw .temporaryReplaced(path: path)
        }
        // Its lock kept through the rename on a second descriptor of the
        // same open file: closed first, the file stood unlocked under its
        // temporary name until the rename, and another run's cleanup took
        // it for a killed run's and removed it ("write error: No such file
        // or directory", a reading helper's race of two runs).
        // With `keepingLock`, it stays locked after the commit, until
        // `releaseLock` (`pack --remove-files`, while it removes the files
        // the archive holds, and `gzip -r --manifest` its manifest: `GuardedOutputName`).
        var lockKept = dup(fd)
        defer { if lockKept >= 0 { Glibc.close(lockKept) } }
        lifecycle.withLock { $0.open = false }
        if Glibc.close(fd) != 0 { throw .writeFailed(path: path, .current("close")) }
        // The file replaced, held (O_PATH) when it has other names, to learn
        // the change time the rename gives them.
        var replaced = stat()
        let heldReplaced = inputRemoval != nil && replacing
            && withCString(targetName, { fstatat(directory, $0, &replaced, AT_SYMLINK_NOFOLLOW) }) == 0
            && replaced.st_mode & S_IFMT == S_IFREG && replaced.st_nlink > 1
            ? withCString(targetName) { bale_open_path(directory, $0, O_CLOEXEC | O_NOFOLLOW) } : -1
        defer { if heldReplaced >= 0 { FileIO.close(heldReplaced) } }
        let renamed = withCString(temporaryName) { from in
            withCString(targetName) {
                replacing ? renameat(directory, from, directory, $0) : bale_rename_noreplace_at(directory, from, $0)
            }
        }
        if renamed != 0 {
            if !replacing && errno == EEXIST {
                discard()
                return .targetExists
            }
            // Removed here, while it is known to be the file written; one
            // that cannot be (an append-only directory refuses both) is
            // named, for it holds the whole output.
            let failure = SystemError.current("rename")
            if withCString(temporaryName, { unlinkat(directory, $0, 0) }) != 0 && errno != ENOENT {
                let removal = SystemError.current("unlink")
                lifecycle.withLock { lifecycle in
                    bale_unregister_temporary(lifecycle.slot)
                    lifecycle.slot = -1
                }
                throw .leftUnnamed(path: path, temporary: TerminalText.name(PathParts(temporaryName).name),
                                   rename: failure, removal: removal)
            }
            throw .writeFailed(path: path, failure)
        }
        lifecycle.withLock { lifecycle in
            bale_unregister_temporary(lifecycle.slot)
            lifecycle.slot = -1
        }
        if heldReplaced >= 0 {
            inputRemoval?.nameReplaced(of: FileIdentity(replaced), before: replaced, openOn: heldReplaced)
        }
        // Open until the commit returns, kept here or by the lifecycle.
        let fileStillOpen = lockKept
        lifecycle.withLock { lifecycle in
            lifecycle.committed = FileIdentity(written)
            if keepingLock && lockKept >= 0 {
                lifecycle.lockHeld = lockKept
                lockKept = -1
            }
        }
        defer { closeDirectory() }
        if sync { try syncDirectory(orTheFileSystemOf: fileStillOpen) }
        return .committed
    }

    /// Whether `name` (in the output's directory) is the file `written`
    /// describes, not following a link: the same inode, or (a FUSE file
    /// system may number one file anew under a new name: a link made where
    /// renameat2's RENAME_NOREPLACE is not supported) the same type, size,
    /// modification and change times to the nanosecond.
    private func holdsTheFileWritten(_ name: [UInt8], _ written: stat) -> Bool {
        var there = stat()
        guard withCString(name, { fstatat(directory, $0, &there, AT_SYMLINK_NOFOLLOW) }) == 0 else { return false }
        if FileIdentity(there) == FileIdentity(written) { return true }
        return there.st_mode == written.st_mode && there.st_size == written.st_size
            && there.st_mtim.tv_sec == written.st_mtim.tv_sec && there.st_mtim.tv_nsec == written.st_mtim.tv_nsec
            && there.st_ctim.tv_sec == written.st_ctim.tv_sec && there.st_ctim.tv_nsec == written.st_ctim.tv_nsec
    }

    /// Flushes the directory the file was renamed in (its new entry:
    /// `FileIO.syncDirectory`). A directory the user may write in and
    /// search but not list (mode 333, a drop box; 1733) cannot be opened
    /// for reading, which fsync needs (O_PATH's descriptor will not do):
    /// then the whole file system is flushed (`syncfs`) through the file
    /// written, still open on `file`. `gzip FILE` there wrote its whole
    /// output, kept the input and said "write error: Permission denied",
    /// exit 1 (a probe helper; GNU gzip: exit 0).
    private func syncDirectory(orTheFileSystemOf file: Int32) throws(BaleError) {
        let fd = directory == AT_FDCWD
            ? withCString(PathParts(targetName).directory) { Glibc.open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            : Glibc.openat(directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 {
            let failure = SystemError.current("open its directory")
            if failure.code == EACCES && file >= 0 {
                if bale_syncfs(file) == 0 { return }
                throw .writeFailed(path: path, .current("syncfs"))
            }
            throw .writeFailed(path: path, failure)
        }
        defer { FileIO.close(fd) }
        do throws(SystemError) { try FileIO.syncDirectory(fd) } catch { throw .writeFailed(path: path, error) }
    }

    /// Removes the temporary file; the target is left as it was.
    public func discard() {
        lifecycle.withLock { lifecycle in
            // A name that holds another process's file now is left to it.
            var ours = true
            if lifecycle.open {
                lifecycle.open = false
                var written = stat()
                ours = fstat(fd, &written) != 0 || holdsTheFileWritten(temporaryName, written)
                FileIO.close(fd)
            }
            if lifecycle.slot >= 0 {
                if ours && withCString(temporaryName, { unlinkat(directory, $0, 0) }) != 0 && errno != ENOENT {
                    let reason = SystemError.current("unlink").reason
                    let leaf = PathParts(temporaryName).name
                    let place = PathParts(pathBytes).prefix + leaf
                    Self.left.withLock { $0.append((TerminalText.name(place), reason)) }
                }
                bale_unregister_temporary(lifecycle.slot)
                lifecycle.slot = -1
            }
        }
        closeDirectory()
    }

    /// The temporary files `discard` could not remove (an append-only
    /// directory, `chattr +a`, refuses the unlink), each with why, taken
    /// once: the run names them at its end (`EngineOptions.report`), for
    /// they hold what was written of an output that failed (a manifest
    /// whole, beside an archive that could not take its name) and were
    /// left unsaid (a probe helper).
    public static func takeLeftBehind() -> [(path: String, reason: String)] {
        left.withLock { left in
            defer { left = [] }
            return left
        }
    }
    private static let left = Mutex<[(path: String, reason: String)]>([])

    /// Closes `directory` once the temporary file is renamed or removed.
    private func closeDirectory() {
        lifecycle.withLock { lifecycle in
            if lifecycle.directoryOpen {
                lifecycle.directoryOpen = false
                FileIO.close(directory)
            }
        }
    }

    /// Lets go of the lock `commit(keepingLock:)` kept.
    public func releaseLock() {
        let held = lifecycle.withLock { lifecycle in
            defer { lifecycle.lockHeld = -1 }
            return lifecycle.lockHeld
        }
        if held >= 0 { Glibc.close(held) }
    }

    deinit {
        discard()
        releaseLock()
    }
}
