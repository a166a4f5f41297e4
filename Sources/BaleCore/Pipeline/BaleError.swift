#if canImport(Glibc)
import Glibc
#endif
/// Everything that can stop a bale job, each naming the file and the cause.
///
/// The command line maps these to exit codes (see the README's "Exit
/// codes"): all are errors (exit 1) except `brokenPipe`, which ends quietly.
public enum BaleError: Error, CustomStringConvertible, Sendable {
    /// A file could not be opened or examined: an input, or an output
    /// that could not be made (its cause alone, as GNU gzip says it:
    /// "a.gz: Permission denied"; "write error" is for a write that
    /// failed once the output was there).
    case cannotOpen(path: String, SystemError)
    /// Reading an input failed part-way.
    case readFailed(path: String, SystemError)
    /// Writing an output failed (a full disk, a file-size limit, ...).
    case writeFailed(path: String, SystemError)
    /// The reader of standard output went away (`bale gzip -c big | head`).
    case brokenPipe
    /// Compressed input is damaged; `offset` is where, when known.
    case corrupt(path: String, offset: Int64?, reason: String)
    /// A gzip member's data inflated whole but its trailer's `field` does
    /// not match it: the damage is somewhere in its data. `offset` is the
    /// byte after the field, as zlib reports it.
    case failedCheck(path: String, offset: Int64, field: GzipTrailer.Field)
    /// The tar stream inside `path` is not a valid archive at `offset`
    /// (a byte offset in the uncompressed tar stream).
    case badArchive(path: String, offset: Int64, reason: String)
    /// A worker could not do its work on good input (no memory for the
    /// codec's state, an output past its bound): the input is not to
    /// blame. `work` is what it was doing ("compress", "hash").
    case codecFailed(path: String, work: String, reason: String)
    /// The input ended inside a gzip member.
    case truncated(path: String)
    /// A bale stream lacks its end member, or the end member disagrees with
    /// the members read: the file was cut short (see `StreamEndCheck`).
    case truncatedStream(path: String, reason: String)
    /// A file shrank while bale read it.
    case changedWhileReading(path: String)
    /// An output's directory is no longer the one its walk listed (it was
    /// replaced since, by a symbolic link to elsewhere): nothing made there.
    case directoryReplaced(path: String)
    /// An output's temporary file is not there, or is not the file bale
    /// wrote, when it is to be renamed into place: another process took
    /// its name. Nothing is committed, no input removed.
    case temporaryReplaced(path: String)
    /// The output was written whole but could not take its name, nor
    /// could its temporary file be removed (an append-only directory,
    /// `chattr +a`: both EPERM): it stays under `temporary`, its name in
    /// the target's directory, which the message gives so that it can be
    /// found and kept (it was left there unsaid: a probe helper).
    case leftUnnamed(path: String, temporary: String, rename: SystemError, removal: SystemError)
    /// A worker process died or broke the wire protocol.
    /// Too few descriptors are left for extraction to write a file in a
    /// directory (`ulimit -n` `limit`, `spare` left beside the workers and
    /// the archive): said once, before any entry, for every entry would
    /// fail alike.
    case tooFewDescriptors(path: String, limit: Int, spare: Int)
    case workerFailed(String)
    /// The chunk of `path` at `offset` ended worker after worker (a poison
    /// chunk); `how` says how the last one ended.
    case poisonChunk(path: String, offset: Int64, workers: Int, how: String)
    /// A batch of files to hash (`sum`), from `path` to `last` (`files` of
    /// them), ended worker after worker; the files after it are not hashed.
    case poisonBatch(path: String, last: String, files: Int, workers: Int, how: String)

    /// True for damaged or cut-short compressed input.
    public var isDamage: Bool {
        switch self {
        case .corrupt, .failedCheck, .badArchive, .truncated, .truncatedStream: return true
        default: return false
        }
    }

    /// True for a member whose data inflated whole but whose trailer does
    /// not match it (`failedCheck`): the damage is somewhere in its data.
    /// Whether a file system said it is full: of blocks or of inodes
    /// (ENOSPC), or the user's quota (EDQUOT). Freeing space may mend it.
    public var isFileSystemFull: Bool {
        switch self {
        case .cannotOpen(_, let error), .writeFailed(_, let error): return error.code == ENOSPC || error.code == EDQUOT
        default: return false
        }
    }

    public var isFailedCheck: Bool {
        if case .failedCheck = self { return true }
        return false
    }

    /// True for input that ends too early: inside a member, or without
    /// the end member its stream promised.
    public var isTruncation: Bool {
        switch self {
        case .truncated, .truncatedStream: return true
        default: return false
        }
    }

    /// The exit status of a run this error stopped: 141 for a reader of
    /// standard output that went away, else 1.
    public var exitStatus: ExitCode {
        if case .brokenPipe = self { return .brokenPipe }
        return .failure
    }

    /// The file the error is about, as it names it; nil for a worker
    /// process or standard output, which are no file of the user's.
    public var path: String? {
        switch self {
        case .cannotOpen(let path, _), .readFailed(let path, _), .writeFailed(let path, _),
             .corrupt(let path, _, _), .failedCheck(let path, _, _), .codecFailed(let path, _, _),
             .badArchive(let path, _, _), .truncated(let path),
             .truncatedStream(let path, _), .changedWhileReading(let path), .poisonChunk(let path, _, _, _),
             .poisonBatch(let path, _, _, _, _), .directoryReplaced(let path), .temporaryReplaced(let path),
             .leftUnnamed(let path, _, _, _), .tooFewDescriptors(let path, _, _):
            return path
        case .brokenPipe, .workerFailed: return nil
        }
    }

    /// What went wrong, without the path.
    public var cause: String {
        switch self {
        case .cannotOpen(_, let error): return error.reason
        case .readFailed(_, let error): return "read error: \(error.reason)"
        // The output written whole, but its temporary file could not take
        // its name (an append-only directory: EPERM): "write error" blamed
        // the writing (a probe helper).
        case .writeFailed(_, let error) where error.operation == "rename":
            return "cannot give the finished output its name (rename): \(error.reason)"
        case .writeFailed(_, let error): return "write error: \(error.reason)"
        case .leftUnnamed(_, let temporary, let rename, let removal):
            return "cannot give the finished output its name (rename): \(rename.reason); it is left whole beside it "
                + "as '\(temporary)', which cannot be removed (\(removal.reason))"
        case .brokenPipe: return "standard output: broken pipe"
        case .corrupt(_, let offset?, let reason): return "invalid compressed data at byte \(offset): \(reason)"
        case .corrupt(_, nil, let reason): return reason
        case .failedCheck(_, let offset, let field): return "invalid compressed data at byte \(offset): \(field.zlibWords)"
        case .codecFailed(_, let work, let reason): return "cannot \(work): \(reason)"
        case .badArchive(_, let offset, let reason):
            return "not a valid tar archive at byte \(offset) of the tar stream: \(reason)"
        case .truncated: return "truncated: unexpected end of file"
        case .truncatedStream(_, let reason): return "truncated: \(reason)"
        case .changedWhileReading: return "file changed as we read it"
        case .directoryReplaced: return "the output's directory was replaced since it was listed"
        case .temporaryReplaced:
            return "its temporary file was replaced or removed by another process: what is there now is not bale's output"
        case .tooFewDescriptors(_, let limit, let spare):
            return "ulimit -n \(limit) leaves \(spare) descriptor\(spare == 1 ? "" : "s") to extract files with, beside the "
                + "workers and the archive, where extraction needs \(ExtractionDescriptors.fewest) (the destination, a directory, a file): "
                + "nothing extracted (raise ulimit -n)"
        case .workerFailed(let reason): return "worker process: \(reason)"
        case .poisonChunk(_, let offset, let workers, let how):
            return "the chunk at byte \(offset) ended \(workers) worker processes in turn (the last \(how)); stopping"
        case .poisonBatch(_, let last, let files, let workers, let how):
            let what = files == 1 ? "hashing it" : "the batch of \(files) files from it to \(last)"
            return "\(what) ended \(workers) worker processes in turn (the last \(how)); stopping: "
                + "the files after it are not hashed"
        }
    }

    /// "PATH: cause", or the cause alone.
    public var description: String { path.map { "\($0): \(cause)" } ?? cause }
}
