#if canImport(Glibc)
import Glibc
#endif

/// One file to hash (`bale sum`): its path, its size (to size the
/// batches), and the digest a manifest expects (`-c`).
struct SumItem: Sendable {
    /// The path, as printed.
    var path: [UInt8]
    /// Its size when listed (0 when `isSized` is false).
    var size: Int64
    /// Whether `size` is a regular file's, at which the worker's read may
    /// stop (`DigestTarget`): a pipe or a device says nothing by its size.
    var isRegular = true
    /// False for a regular file the walk found by its directory's listing
    /// and did not stat (`TreeWalkPolicy.typesFromListing`): its size is
    /// what its worker finds when it opens it, and a worker given it in a
    /// batch hands it back unhashed when it turns out large, or comes after
    /// the batch took its fill (`FileBatchHasher`, `HandedBackFiles`).
    var isSized = true
    /// Where the printer holds this file's place, for a file a worker
    /// handed back (`DigestPrinter`); nil for one the walk gave.
    var place: Int?
    /// The digest the manifest lists for it (`-c`), or nil.
    var expected: [UInt8]?
    /// What the worker opens, when it is not `path` (`-`: standard input).
    var source: [UInt8]? = nil
    /// Where the worker starts reading (standard input given as a file: where its offset stood).
    var startOffset: Int64 = 0
    /// The directory the walk found this file in (nil for a path given
    /// or a manifest's line): its worker opens the file only there, not
    /// through a link put in that directory's place since
    /// (`DigestTarget.directory`).
    var listedIn: FileIdentity? = nil
    /// Standard input relayed to its worker through a pipe (a socket,
    /// which the worker cannot open: `StandardInputRelay`); nil otherwise.
    /// The printer asks it whether the input was read to its end.
    var relay: StandardInputRelay? = nil
    /// `-c --warn`: the numbers of the manifest's malformed lines between
    /// the entry before and this one, warned of just before its line, as
    /// sha256sum warns of each line as it reads it.
    var misformattedBefore: [Int] = []

    /// What the worker is asked to hash.
    var target: DigestTarget {
        DigestTarget(path: source ?? Self.parentDescriptorPath(path) ?? path,
                     listedSize: isRegular && isSized ? size : nil, startOffset: startOffset,
                     sizeAtOpen: isRegular && !isSized, directory: listedIn)
    }

    /// Whether a worker may hand back some of `batch`'s files unhashed:
    /// one of them is not sized (see `isSized`). The cutter and the
    /// printer ask it alike, to count the batches still out that may give
    /// files back (`HandedBackFiles`).
    static func mayBeHandedBack(_ batch: [SumItem]) -> Bool {
        batch.contains { !$0.isSized }
    }

    /// A name for one of bale's own descriptors (`/dev/stdin`, `/dev/fd/N`,
    /// `/proc/self/fd/N`: what `<(command)` gives), as the worker must open
    /// it: through bale's /proc entry. Opened by the worker as given, the
    /// name meant the worker's own descriptors ("No such file or
    /// directory", or its pipe from bale for `/dev/stdin`), where
    /// sha256sum hashes what bale was given. Nil for any other path.
    static func parentDescriptorPath(_ path: [UInt8]) -> [UInt8]? {
        guard let fd = InheritedDescriptors.number(named: path) else { return nil }
        // One of bale's own (not handed over): no name the worker can open
        // (it reports the file unreadable), rather than bale's pipes or arena.
        guard InheritedDescriptors.contains(fd) else { return [] }
        return Array("/proc/\(getpid())/fd/\(fd)".utf8)
    }

    /// The name that means standard input, on the command line and in a
    /// manifest's line, as in sha256sum.
    static let standardInputName: [UInt8] = [UInt8(ascii: "-")]

    /// What the worker opens for standard input: bale's own, through
    /// /proc, as the workers' standard input is their pipe from bale. A
    /// pipe so opened is the same pipe, read on from where it is; a file
    /// is opened anew, so the worker is told where to start (`standardInput`).
    static var standardInputSource: [UInt8] { Array("/proc/\(getpid())/fd/0".utf8) }

    /// Standard input to hash, printed as `-`: read to its end whatever
    /// it is (a pipe, a terminal, a file, or a socket, relayed), as
    /// sha256sum reads it; nil
    /// when bale was started without one (closed: `StandardOutput.reserveStandardDescriptors`
    /// put a write-only /dev/null there, which /proc would reopen for reading).
    ///
    /// A file is read from where its offset stands, as sha256sum reads it
    /// (`{ read -r line; bale sum; } < file` hashes the rest), and its
    /// offset is left at its end, as sha256sum leaves it: a second `-`
    /// then finds it empty, as a pipe's would be.
    static func standardInput() -> SumItem? {
        let flags = fcntl(0, F_GETFL)
        guard flags != -1 && flags & O_ACCMODE != O_WRONLY else { return nil }
        var info = stat()
        var item = SumItem(path: standardInputName, size: 0, isRegular: false, expected: nil, source: standardInputSource)
        if let relay = StandardInputRelay.shared {
            item.relay = relay
            item.source = Array("/proc/\(getpid())/fd/\(relay.readEnd)".utf8)
        } else if fstat(0, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG {
            let offset = Int64(lseek(0, 0, SEEK_CUR))
            if offset > 0 { item.startOffset = offset }
            item.size = max(0, Int64(info.st_size) - max(0, offset))
            _ = lseek(0, 0, SEEK_END)
        }
        return item
    }

    /// What the worker opens for a manifest's line that names no file (an
    /// empty name, `SHA256 () = ...`): a name that is never there, so the
    /// outcome is "No such file or directory", as sha256sum's open of ""
    /// gives, and `--ignore-missing` passes it over. Sent as the empty
    /// name it stood for the closed standard input: "Bad file descriptor",
    /// and `--ignore-missing` failed the run.
    static let emptyNameSource: [UInt8] = Array("/proc/self/fd/-1".utf8)

    /// Standard input (`bale sum -`, or a manifest's line for it) when bale
    /// was started without one (`standardInput` is nil): the worker reports it unreadable
    /// (EBADF: "FAILED open or read", as sha256sum), where reopening
    /// /proc's descriptor would hash the write-only /dev/null put there as
    /// empty and could say OK.
    static var closedStandardInput: SumItem {
        SumItem(path: standardInputName, size: 0, isRegular: false, expected: nil, source: [])
    }
}
