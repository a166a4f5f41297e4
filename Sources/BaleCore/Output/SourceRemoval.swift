#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// `pack --remove-files`: removes what a pack archived, once the archive
/// is whole on disk. GNU tar's option of the same name, made safe:
///
/// - Nothing is removed before the archive is complete, renamed into place
///   and flushed (its file and its directory, `AtomicOutputFile.commit`
///   with `sync`), and the manifest too; GNU tar removes each file as soon
///   as the record holding it is written, so a kill or a full disk midway
///   loses files that are in no archive. The command calls `removeSources`
///   only then; a run that ends otherwise removes nothing, and says so
///   (`reportIfNothingRemoved`).
/// - A run that could not archive everything asked for (a file or
///   directory that could not be read, a vanished file: each named, exit 2)
///   removes nothing: the tree stays as it was for a run again once the
///   trouble is mended.
/// - A file that changed while it was read is kept, with a warning (the
///   archive holds it as it was read, not as it is); GNU tar removes it.
/// - A name is removed only while it is still the file archived: its
///   device, inode, type, mode, size, modification and change times as the
///   walk saw them (the archived header is made from that same `stat`).
///   One modified, replaced or chmod'ed after it was read is kept, with a
///   warning.
/// - Names are removed relative to their directory's descriptor, each
///   directory checked to be the one archived (`RemovalDirectoryStack`),
///   never through a symbolic link.
///
/// What is removed is what GNU tar removes: every name archived (files,
/// each name of a hard-linked file, symbolic links, FIFOs, devices; a
/// socket is not archived, so it stays), then the directories archived,
/// deepest first, when they are empty. A directory still holding
/// something (a file kept, excluded or not archived) stays, with GNU tar's
/// warning "Cannot rmdir: Directory not empty" (exit 2); with `--shard`,
/// where every part archives every directory and the other parts' files
/// are expected there, it stays quietly (the last part to finish removes
/// it). A name already gone is passed over, as in GNU tar.
///
/// A class because its state (has it run?) is shared by the command's
/// exits; used by the command's thread only.
final class SourceRemoval {
    private let context: RunContext
    /// Directories holding what other shards archived stay quietly.
    private let sharded: Bool

    /// Where the removal stands.
    private enum Stage {
        /// The archive is not committed yet.
        case waitingForTheArchive
        /// `removeSources` ran (and removed what it could, or said why not).
        case done
    }
    private var stage = Stage.waitingForTheArchive

    /// The change times its removals gave files with several names.
    private let removedNames = RemovedNames()

    init(context: RunContext, sharded: Bool) {
        self.context = context
        self.sharded = sharded
    }

    /// For a run that failed (no archive, or no manifest): says that
    /// nothing was removed (nothing on a run ended by its standard
    /// output's reader, which ends quietly).
    func reportIfNothingRemoved() {
        guard stage == .waitingForTheArchive, context.exitStatus != .brokenPipe else { return }
        context.report(.error(path: nil, "--remove-files: nothing removed, as the run failed"))
    }

    /// Removes the sources of `entries` (in archive order), read relative
    /// to the directory open on `base`, once the archive holding them is
    /// committed; `changedWhileRead` are the indexes of entries whose file
    /// changed while it was read. With `everythingArchived` false nothing
    /// is removed. Returns the exit status its warnings ask for.
    func removeSources(of entries: [PackEntry], changedWhileRead: Set<Int>, everythingArchived: Bool,
                       relativeTo base: Int32) -> ExitCode {
        stage = .done
        guard everythingArchived else {
            return say(.warning(path: nil, "--remove-files: nothing removed, as not everything asked for "
                                + "could be archived (named above)"))
        }
        var archivedDirectories: [[UInt8]: FileIdentity] = [:]
        for entry in entries where entry.header.kind == .directory {
            if let stamp = entry.walkedStamp { archivedDirectories[entry.source] = stamp.identity }
        }
        let directories = RemovalDirectoryStack(base: base, archived: archivedDirectories)
        // Paths of directories that could not be used: nothing under them is touched.
        var abandoned: [[UInt8]] = []
        var status = ExitCode.success
        for index in entries.indices.reversed() {
            let entry = entries[index]
            let path = entry.source
            guard let walked = entry.walkedStamp, !abandoned.contains(where: { Self.path(path, isIn: $0) }) else { continue }
            if changedWhileRead.contains(index) {
                status = max(status, say(.warning(path: display(path), "not removed: it changed while it was read")))
                continue
            }
            let components = RemovalDirectoryStack.components(of: path)
            guard let leafRange = components.last else { continue }
            let leaf = Array(path[leafRange])
            if leaf == Array("/".utf8) || leaf == Array(".".utf8) || leaf == Array("..".utf8) { continue }
            let parent: Int32
            switch directories.directory(path, components: components, count: components.count - 1) {
            case .success(let fd): parent = fd
            case .failure(let failure):
                switch failure {
                case .cannotOpen(let directory, let error):
                    abandoned.append(directory)
                    if error.code != ENOENT {
                        status = max(status, say(.warning(path: display(directory),
                                                          "Cannot open: \(error.reason); nothing in it removed")))
                    }
                case .replaced(let directory):
                    abandoned.append(directory)
                    status = max(status, say(.warning(path: display(directory), Self.replacedDirectory)))
                }
                continue
            }
            let problem = entry.header.kind == .directory
                ? removeDirectory(leaf, in: parent, walked: walked, path: path)
                : removeName(leaf, in: parent, walked: walked, path: path)
            if let problem { status = max(status, say(problem)) }
        }
        return status
    }

    private static let replacedDirectory = "not removed: no longer the directory archived (replaced since); nothing in it removed"

    /// Removes the directory `leaf` of `parent` if it is still the one
    /// archived and is empty; the warning to give, if any.
    private func removeDirectory(_ leaf: [UInt8], in parent: Int32, walked: PackEntry.WalkedStamp,
                                 path: [UInt8]) -> Diagnostic? {
        var info = stat()
        if withCString(leaf, { fstatat(parent, $0, &info, AT_SYMLINK_NOFOLLOW) }) != 0 {
            return errno == ENOENT ? nil : .warning(path: display(path), "Cannot rmdir: \(SystemError.current("stat").reason)")
        }
        guard info.st_mode & S_IFMT == S_IFDIR, FileIdentity(info) == walked.identity else {
            return .warning(path: display(path), Self.replacedDirectory)
        }
        if withCString(leaf, { unlinkat(parent, $0, AT_REMOVEDIR) }) == 0 { return nil }
        switch errno {
        case ENOENT: return nil
        case ENOTEMPTY, EEXIST:
            return sharded ? nil : .warning(path: display(path), "Cannot rmdir: Directory not empty")
        default: return .warning(path: display(path), "Cannot rmdir: \(SystemError.current("rmdir").reason)")
        }
    }

    /// Removes the name `leaf` of `parent` (a file, a link, a FIFO, a
    /// device) if it is still the file archived; the warning to give, if any.
    private func removeName(_ leaf: [UInt8], in parent: Int32, walked: PackEntry.WalkedStamp,
                            path: [UInt8]) -> Diagnostic? {
        // Held open (O_PATH: no read, no side effect on a FIFO or a device)
        // to learn the change time the removal gives the file's other names.
        let fd = withCString(leaf) { bale_open_path(parent, $0, O_NOFOLLOW | O_CLOEXEC) }
        if fd < 0 {
            return errno == ENOENT ? nil : .warning(path: display(path), "Cannot unlink: \(SystemError.current("open").reason)")
        }
        defer { FileIO.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            return .warning(path: display(path), "Cannot unlink: \(SystemError.current("fstat").reason)")
        }
        guard PackEntry.WalkedStamp(info) == removedNames.expected(walked) else {
            return .warning(path: display(path), "not removed: it changed since it was archived")
        }
        if withCString(leaf, { unlinkat(parent, $0, 0) }) != 0 {
            return errno == ENOENT ? nil : .warning(path: display(path), "Cannot unlink: \(SystemError.current("unlink").reason)")
        }
        removedNames.removed(nameOf: walked.identity, before: info, openOn: fd)
        return nil
    }

    /// True when `path` is the directory `directory` or lies under it.
    private static func path(_ path: [UInt8], isIn directory: [UInt8]) -> Bool {
        guard path.starts(with: directory) else { return false }
        return path.count == directory.count || directory.last == UInt8(ascii: "/")
            || path[directory.count] == UInt8(ascii: "/")
    }

    private func display(_ path: [UInt8]) -> String { TerminalText.name(path) }

    /// Reports `diagnostic`; the exit status it asks for.
    private func say(_ diagnostic: Diagnostic) -> ExitCode {
        context.report(diagnostic)
        return diagnostic.exitStatus
    }
}
