/// Parses a tar stream fed in pieces of any size, in order, and reports
/// each entry's header and content bytes to a `TarReader.Handler`.
///
/// It reads archives as GNU tar 1.34 reads them, whatever wrote them:
/// - ustar, GNU (old and new) and pax headers; pax extended headers ('x',
///   Solaris 'X') set the next entry's path, linkpath, size, uid, gid,
///   uname, gname and mtime (with a fraction, negative too); global ones
///   ('g') set every later entry's; GNU long names ('L', 'K') likewise.
///   Keywords GNU tar does not know are ignored with a warning, as it does;
///   those it knows but bale has no use for (atime, SELinux's
///   RHT.security.selinux) silently.
/// - Extended attributes and ACLs, in every form GNU tar and bsdtar write:
///   `SCHILY.xattr.NAME` (raw value; NAME with GNU tar's %3D and %25,
///   or %-encoded where bsdtar wrote it), bsdtar's `LIBARCHIVE.xattr.NAME`
///   (name %-encoded, value base64; the SCHILY record wins when both
///   are there), `SCHILY.acl.access` / `.default` (GNU tar's text or
///   bsdtar's), preferred to the kernel's binary form GNU tar also
///   stores as `SCHILY.xattr.system.posix_acl_*`. An attribute no file
///   could take (a NUL in its name, a value over 64 KiB) or an ACL that
///   does not parse is noted in the entry (`attributeProblems`), for an
///   extractor to warn of; the entry is read all the same.
/// - GNU sparse files: the old 'S' type (its map in the header and in
///   extension blocks after it) and the pax formats 0.0 (repeated
///   GNU.sparse.offset / numbytes), 0.1 (GNU.sparse.map) and 1.0
///   (GNU.sparse.major/minor/name/realsize, the map at the start of the
///   data). The handler gets the file under its real name and size, its
///   content as data and holes (`Handler.hole`), so an extractor can leave
///   the holes as holes.
/// - Header types bale never writes: as GNU tar ('V' a volume label, 'M' a
///   continuation, 'D' a dump directory, unknown letters regular files;
///   see `TarEntry.Special`). Whether data blocks follow a header depends
///   on its type, as POSIX says and as libarchive, python's tarfile, Go's
///   archive/tar and GNU tar's extractor read it: none after a hard link,
///   a symbolic link, a device, a directory or a FIFO ('1' to '6'),
///   whatever the size field says; the size's blocks after every other
///   type, so a regular entry named "d/" (a directory by GNU tar's rule)
///   never makes the reader lose its place. One look ahead: after a
///   link (hard or symbolic), a device or a FIFO with a size, a next block that is
///   neither a header nor zeros is taken for stored data and the size's
///   blocks are skipped (python's tarfile writes them when given a file
///   object for such an entry; GNU tar's lister skips them always, so an
///   entry right after such a header, as POSIX places it, was lost from
///   `list` and `verify` without a word, and a writer that put a link
///   target's length in the field made the next header swallowed).
/// - Checksums computed over signed bytes (some Java and old Unix tars) as
///   well as unsigned ones; numbers in octal or GNU's base 256 (negative
///   ones too), out-of-range values clamped, never trapping.
///
/// Every header's checksum is checked and every size and count is bounded
/// before it is trusted, so a damaged or hostile archive gives an error,
/// never a crash or an allocation it chooses: a pax or long-name body is
/// kept in memory up to `maximumExtendedSize`, a sparse map up to
/// `maximumSparseRegions` regions. Reading a whole stream
/// (`skipsDamagedHeaders`), a damaged header after a good one is skipped,
/// block by block, up to the next valid header, as GNU tar does ("Skipping
/// to next header"): an error that is named, but the entries after it are
/// still read. A stream whose first block is no header is no tar (an error
/// that stops the reading), unless it has ustar's magic: a tar whose first
/// header was damaged (its name, its checksum, its size), skipped as a
/// later one is, as GNU tar skips it ("This does not look like a tar
/// archive", "Skipping to next header"; bale read nothing of the
/// archive). Readers that start at a header the index names stop at a
/// damaged one too: that header was to check out.
public struct TarReader {
    /// What the reader reports to.
    public protocol Handler {
        /// A new entry begins; its content (`entry.size` bytes, given by
        /// `content` and `hole` calls) follows.
        mutating func begin(_ entry: TarEntry) throws(BaleError)
        /// Some of the current entry's content.
        mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError)
        /// `length` zero bytes of the current entry's content that the
        /// archive does not store (a hole in a sparse file). By default
        /// they are given to `content`; an extractor seeks past them.
        mutating func hole(_ length: Int64) throws(BaleError)
        /// The current entry's content is complete.
        mutating func end() throws(BaleError)
        /// The stream is over, whole or not: completes what is pending and
        /// returns the problems to report, each naming its entry.
        mutating func finish() -> [Diagnostic]
        /// `finish`, with each problem at its place in the archive: the
        /// header offset of the entry it concerns (`TarEntry.headerOffset`),
        /// where the reader puts its own (`TarReader.problemsInPlace`), so
        /// that both are said entry by entry (`TarStreamSink.finishProblems`).
        /// By default every problem of `finish` comes after the archive's.
        mutating func finishInOrder() -> CollectedDiagnostics
        /// Warnings met so far (the job goes on; exit 2), each naming its entry.
        var warnings: [Diagnostic] { get }
        /// An entry of this name was met but cannot be read (the reader
        /// named it, and skipped its data): it never begins. By default
        /// nothing is done.
        mutating func unread(_ name: [UInt8])
        /// The entry the reader could not read (its sparse map unusable),
        /// as its header gave it, before `unread`: a listing shows it, as
        /// `tar -tv` lists it. By default nothing is done.
        mutating func unreadable(_ entry: TarEntry) throws(BaleError)
        /// The `content` calls that follow, until the next call of this,
        /// are given bytes from `lent` (nil: from memory nobody lends),
        /// which a handler that keeps content past the call may keep by
        /// holding their owner. By default nothing is done.
        mutating func contentComes(from lent: LentBytes?)
        /// The stream stopped before its end (damage, a read or write
        /// error), before `finish`: what the handler did not meet may be
        /// in the part not read. By default nothing is done.
        mutating func readingStopped()
        /// The input has nothing more to give for now (a pipe whose writer
        /// paused): what the handler keeps back to do in batches is done
        /// now, so that every entry read whole is on disk while the input
        /// waits, as GNU tar has it. By default nothing is done.
        mutating func inputPauses()
    }

    /// The archive's name, for messages.
    public let archiveName: String
    private var state = State.header
    private var block: [UInt8] = []
    private var extended: [UInt8] = []
    /// Records of the pax header before the entry ('x'), and of every
    /// global header so far ('g'); the first win.
    private var overrides = PaxRecords()
    /// The name and link target of GNU long-name headers ('L', 'K') before
    /// the entry, by the pax keyword they stand for: a pax record of the
    /// entry wins over them whichever came first, as in GNU tar (which
    /// applies the pax records last); the last 'L' wins over an earlier one.
    private var longNames = PaxRecords()
    private var globals = PaxRecords()
    /// Pax sparse format 0.0: GNU.sparse.offset and GNU.sparse.numbytes
    /// values, in their order (the same keyword repeats).
    private var paxSparseNumbers: [Int64] = []
    private var contentLeft: Int64 = 0
    private var paddingLeft = 0
    private var zeroBlocks = 0
    /// After the end blocks: whether the next blocks are still looked at
    /// (until the first that is not zeros), and how many bytes were.
    private var looksPastEnd = true
    private var bytesPastEnd: Int64 = 0
    private var offset: Int64 = 0
    /// Where the headers of the entry being read began (a pax or long-name
    /// header comes before the entry's own).
    private var entryStart: Int64?
    /// The sparse file being read, if any.
    private var sparse: Sparse?
    /// A sparse entry whose map comes after its header (old GNU extension
    /// blocks, pax 1.0's map in the data): given to the handler once the
    /// map is read and checked, so that one whose map cannot be used is
    /// named and skipped before anything was made of it.
    private var entryAwaitingMap: TarEntry?
    /// An old GNU sparse entry whose map was unusable before its last
    /// extension block: the blocks left are read and ignored up to the last
    /// (which are not part of the entry's size), then its data is skipped.
    private var discardingSparseExtensions = false
    /// The unknown pax keywords warned of, each once for the run, up to
    /// `maximumWarnedKeywords`; past them, one warning says the rest are
    /// ignored unnamed. Remembered without a bound, a header of 1.7
    /// million keywords of its own (43 MB) cost `list` 218 MiB.
    private var warnedKeywords: Set<String> = []
    static let maximumWarnedKeywords = 256
    /// A POSIX volume label (`tar --format=posix -V`: a global pax header
    /// holding GNU.volume.label), the latest read, not yet given to the
    /// handler. As GNU tar lists it (`V--------- 0/0 … LABEL--Volume
    /// Header--`, its list.c `print_volume_label`): once, just before the
    /// first entry in the pax format (one an extended header came before),
    /// whichever label the global headers read by then set last, an empty
    /// one too; never for an archive of ustar entries only.
    private var pendingVolumeLabel: TarEntry?
    private var volumeLabelGiven = false
    /// An extended header ('x') came before the entry being read: a pax
    /// entry, before which tar lists a volume label.
    private var sawEntryPaxHeader = false
    /// The global header being read (its time is the label's).
    private var globalHeader: [UInt8] = []
    /// The extended attributes of the pax header before the entry: by
    /// decoded name from bsdtar's LIBARCHIVE records, and by the name as
    /// recorded from SCHILY records (decoded once the whole header is
    /// read: how depends on whether bsdtar wrote it, `readAttributes`).
    private var paxAttributes: (libarchive: [[UInt8]: [UInt8]], schily: [[UInt8]: [UInt8]]) = ([:], [:])
    /// What of those records cannot be used, for the entry's `attributeProblems`.
    private var paxAttributeProblems: [String] = []
    /// The most attributes one entry may carry (the kernel's list of
    /// names is at most 64 KiB, so a file never has more).
    static let maximumAttributes = 16384

    private enum State {
        case header
        /// The entry's data; for a sparse file, its data regions.
        case content
        case padding
        /// Collecting a pax or GNU long-name body of this type.
        case extendedBody(UInt8)
        /// Old GNU sparse: the extension blocks of the map, after the header.
        case sparseExtension
        /// Pax sparse 1.0: the map at the start of the data.
        case sparseMap
        /// After a link, a device or a FIFO whose size field says
        /// it holds this many bytes: the next block tells whether they
        /// follow (the type's doc, "Header types").
        case headerOrStoredData(Int64)
        case finished
    }

    /// A sparse file being read: its map, and where the data is in it.
    private struct Sparse {
        /// (offset, length) of each stored data region, in order.
        var regions: [(offset: Int64, length: Int64)] = []
        var realSize: Int64
        var index = 0
        /// Bytes of the real file given to the handler (data and holes).
        var position: Int64 = 0
        /// Pax 1.0: the map's numbers read so far, the digits of the next,
        /// the map's bytes read, and (once whole) the padding to skip.
        var numbers: [Int64] = []
        var digits: Int64?
        var mapBytes: Int64 = 0
        var mapPadding: Int?
    }

    /// The header's numeric fields checked to hold numbers: name, start,
    /// width, and the pax keyword that stands for it ("" for none).
    private static let numericFields = [("mode", 100, 8, ""), ("uid", 108, 8, "uid"), ("gid", 116, 8, "gid"),
                                        ("mtime", 136, 12, "mtime")]

    /// The largest pax or long-name body accepted. GNU tar takes any size
    /// memory allows; pax attributes of several megabytes (long ACLs,
    /// xattrs, comments) occur in practice, so the bound is generous but
    /// keeps one header from taking what memory it likes.
    static let maximumExtendedSize: Int64 = 64 << 20
    /// The most regions a sparse map may have (16 bytes each in memory).
    static let maximumSparseRegions = 1 << 21

    /// Pax keywords GNU tar 1.34 knows, POSIX's `hdrcharset` and
    /// libarchive's device numbers: all
    /// others are ignored with a warning, as GNU tar ignores them
    /// ("Ignoring unknown extended header keyword").
    static let knownKeywords: Set<String> = [
        "atime", "comment", "charset", "ctime", "gid", "gname", "linkpath", "mtime", "path", "size", "uid",
        "uname", "GNU.sparse.name", "GNU.sparse.major", "GNU.sparse.minor", "GNU.sparse.realsize",
        "GNU.sparse.numblocks", "GNU.sparse.size", "GNU.sparse.offset", "GNU.sparse.numbytes", "GNU.sparse.map",
        "GNU.dumpdir", "GNU.volume.label", "GNU.volume.filename", "GNU.volume.size", "GNU.volume.offset",
        "SCHILY.acl.access", "SCHILY.acl.default", "RHT.security.selinux",
        // libarchive's device numbers (read above, as bsdtar reads them).
        "SCHILY.devmajor", "SCHILY.devminor",
        // POSIX's own: names and links are raw bytes (BINARY), as bale
        // takes every name anyway; python's tarfile and bsdtar write it for
        // a name that is not UTF-8, where GNU tar warns it does not know it.
        "hdrcharset",
    ]

    /// Pax keywords other writers put in every entry whose record bale has
    /// nothing to restore from: taken without GNU tar's warning, as bsdtar
    /// takes them, so that their archives read as OK (exit 0), not "with
    /// warnings" (exit 2). star's `SCHILY.dev`, `.ino` and `.nlink` (the
    /// file's identity on the writer's system, for its own incremental
    /// dumps), libarchive's `LIBARCHIVE.creationtime` (a birth time, which
    /// Linux does not let a program set) and `LIBARCHIVE.symlinktype`
    /// (whether a Windows link points at a file or a directory). Keywords
    /// that record what bale cannot restore (star's `SCHILY.fflags`, file
    /// flags; `SCHILY.filetype`) keep the warning.
    static let informationalKeywords: Set<String> = [
        "SCHILY.dev", "SCHILY.ino", "SCHILY.nlink", "LIBARCHIVE.creationtime", "LIBARCHIVE.symlinktype",
    ]

    /// Whether a damaged header after a valid one is skipped (see above)
    /// rather than stopping the reading.
    private let skipsDamagedHeaders: Bool
    /// A valid header was read: a damaged one after it is skipped.
    private(set) var sawValidHeader = false
    /// Blocks are being skipped after a damaged header.
    private var isSkippingDamage = false
    /// The name of the last entry begun, as archived: made into text only
    /// when a message needs it (`lastBegun`), not for every entry.
    private var lastBegunName: [UInt8]?
    /// The name of the last entry begun (as messages show it).
    var lastBegun: String? { lastBegunName.map { TerminalText.name($0) } }
    /// The entry the data of the last gzip member marked began in
    /// (`markGzipMemberStart`), as archived; the next entry begun when
    /// it began between entries.
    private var gzipMemberFirstName: [UInt8]?
    private var gzipMemberBeginsAtNextEntry = false
    /// The entry the data of the last gzip member marked began in (as
    /// messages show it); nil when no entry was begun since.
    var entryAtGzipMemberStart: String? { gzipMemberFirstName.map { TerminalText.name($0) } }
    /// Where the first damaged header skipped was met: after the entry
    /// named (nil: before any), or `.none` while no header was skipped.
    /// Damage found later (a checksum over the whole stream) may be there
    /// already, so messages name the entry before the first skip.
    public private(set) var firstSkipAfter: String??

    /// A reader for the archive named `archiveName` (in messages); with
    /// `skipsDamagedHeaders`, one that skips a damaged header after a
    /// valid one, as GNU tar reading a whole archive.
    public init(archiveName: String, skipsDamagedHeaders: Bool = false) {
        self.archiveName = archiveName
        self.skipsDamagedHeaders = skipsDamagedHeaders
    }

    /// Entries begun, and bytes of the tar stream consumed (for `--json`).
    public private(set) var entriesRead = 0
    public var bytesRead: Int64 { offset }
    /// Entries read whole: those begun but one whose data is still coming
    /// (an archive that breaks off inside a file's data; `--json`'s
    /// `files` counted it as read).
    public var entriesWhole: Int {
        if case .content = state { return entriesRead - 1 }
        return entriesRead
    }

    /// Problems met so far that did not stop the reading: warnings
    /// (unknown pax keywords, values out of range) and, as errors, the
    /// damaged headers skipped (bounded: `CollectedDiagnostics`).
    public var warnings: [Diagnostic] { problems.all }
    /// `warnings`, each at its place in the archive (`collect`).
    public var problemsInPlace: CollectedDiagnostics { problems }
    private var problems = CollectedDiagnostics()

    /// True once the end-of-archive blocks were seen.
    public var isFinished: Bool { if case .finished = state { return true }; return false }

    /// True when the stream ended before its first block was whole, with
    /// no header read: a few bytes of something else (`hi\n`), not a tar
    /// archive cut short.
    public var endedBeforeAnyHeader: Bool {
        if case .header = state { return !sawValidHeader && offset == 0 && !block.isEmpty }
        return false
    }

    /// True when the stream's first bytes, short of a header, begin as a
    /// cpio archive does (bsdtar's cpio of one small file is 356 bytes).
    public var endedBeforeAnyHeaderAsCpio: Bool {
        endedBeforeAnyHeader && CpioArchive.begins(Array(block.prefix(12)))
    }

    /// True when the stream stopped inside an entry (a truncated archive),
    /// including between an entry's pax or long-name header and its own.
    public var isInsideEntry: Bool {
        switch state {
        case .header, .headerOrStoredData: return !block.isEmpty || entryStart != nil
        case .finished: return false
        default: return true
        }
    }

    /// The warning for a stream that ended between entries without its
    /// end-of-archive blocks (two zero blocks): it may have been cut there,
    /// and nothing in tar can tell. Nil when the blocks were seen.
    public var missingEndWarning: Diagnostic? {
        guard !isFinished, !isInsideEntry else { return nil }
        return .warning(path: archiveName, "the tar stream ends without its end-of-archive blocks; it may be truncated")
    }

    private func corrupt(_ reason: String) -> BaleError {
        .badArchive(path: archiveName, offset: offset, reason: reason)
    }

    /// Feeds the next bytes of the stream.
    public mutating func feed<H: Handler>(_ bytes: UnsafeRawBufferPointer, to handler: inout H) throws(BaleError) {
        var index = 0
        while index < bytes.count {
            switch state {
            case .finished:
                // What follows the end blocks is not read, as GNU tar
                // (without --ignore-zeros) and bsdtar read it; but it is
                // looked at, block by block, for a tar header: another
                // archive appended (`cat a.tar b.tar`), or the rest of this
                // one after blocks of it were zeroed (an entry's header and
                // data: two zero blocks read as the end), whose entries no
                // tool reads, and `verify` said OK of those before alone.
                // Said once, a warning. Only the first block that was not
                // zeros was looked at: the zeroed blocks' entry's data came
                // first, and the later entries went without a word, exit 0
                // (a probe helper). Bytes that are no header (junk after
                // the padding, a record's stale bytes) say nothing.
                guard looksPastEnd else { return }
                guard let next = wholeBlock(from: bytes, at: &index) else { break }
                let at = offset + bytesPastEnd
                bytesPastEnd += Int64(TarHeader.blockSize)
                if next.allSatisfy({ $0 == 0 }) || !Self.checksumMatches(next) { break }
                looksPastEnd = false
                warn(path: archiveName, "a tar header follows the end-of-archive blocks, at byte \(at) of the tar stream "
                     + "(another archive appended, or blocks of this one zeroed?): it and what follows are not read, "
                     + "as tar reads them without --ignore-zeros")
            case .content:
                let available = Int64(bytes.count - index)
                var take = min(available, contentLeft)
                if sparse != nil {
                    take = min(take, try sparseRegionLeft(handler: &handler))
                }
                let piece = Int(take)
                if piece > 0 {
                    try handler.content(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + piece)]))
                }
                index += piece
                contentLeft -= take
                offset += take
                sparse?.position += take
                if contentLeft == 0 { try endContent(handler: &handler) }
            case .padding:
                let take = min(bytes.count - index, paddingLeft)
                index += take
                paddingLeft -= take
                offset += Int64(take)
                if paddingLeft == 0 { state = .header }
            case .extendedBody(let type):
                let take = Int(min(Int64(bytes.count - index), contentLeft))
                extended += bytes[index..<(index + take)]
                index += take
                contentLeft -= Int64(take)
                offset += Int64(take)
                if contentLeft == 0 {
                    try finishExtended(type)
                    state = paddingLeft > 0 ? .padding : .header
                }
            case .sparseExtension:
                let take = min(bytes.count - index, TarHeader.blockSize - block.count)
                block += bytes[index..<(index + take)]
                index += take
                offset += Int64(take)
                if block.count == TarHeader.blockSize {
                    let extensionBlock = block
                    block = []
                    try readSparseExtension(extensionBlock, handler: &handler)
                }
            case .sparseMap:
                index += try readSparseMap(UnsafeRawBufferPointer(rebasing: bytes[index...]), handler: &handler)
            case .header:
                guard let header = wholeBlock(from: bytes, at: &index) else { break }
                try parseHeader(header, handler: &handler)
                offset += Int64(TarHeader.blockSize)
            case .headerOrStoredData(let size):
                guard let next = wholeBlock(from: bytes, at: &index) else { break }
                if Self.checksumMatches(next) || next.allSatisfy({ $0 == 0 }) {
                    // A header or the end: nothing was stored, as POSIX says.
                    state = .header
                    try parseHeader(next, handler: &handler)
                } else {
                    // The writer stored the size's blocks (python's tarfile
                    // given a file object for a link does): skipped, as GNU
                    // tar lists such an archive (the size and its padding,
                    // less the block just read; in that order, so that no
                    // size up to Int64.max overflows).
                    paddingLeft = Int(size - Int64(TarHeader.blockSize)) + TarHeader.padding(size)
                    state = paddingLeft > 0 ? .padding : .header
                }
                offset += Int64(TarHeader.blockSize)
            }
        }
    }

    /// Adds the next of `bytes` to the block being gathered; the block
    /// once it is whole (and a new one begins), else nil.
    private mutating func wholeBlock(from bytes: UnsafeRawBufferPointer, at index: inout Int) -> [UInt8]? {
        let take = min(bytes.count - index, TarHeader.blockSize - block.count)
        block += bytes[index..<(index + take)]
        index += take
        guard block.count == TarHeader.blockSize else { return nil }
        defer { block = [] }
        return block
    }

    // MARK: Headers

    /// True when the checksum field holds the sum of the header's bytes
    /// (the field counted as spaces), over unsigned bytes as POSIX says or
    /// over signed ones as some tars compute it; GNU tar takes both.
    ///
    /// The field must hold a number: octal digits (spaces or NULs before
    /// them, a space or NUL after). A field that is none, as in most
    /// blocks that are not headers, matches nothing, as in GNU tar: it was
    /// read as -1, and the signed sum of a block of random bytes is -1
    /// about once in 4,000 blocks (its spread is some 1,700 around -256).
    /// So about one gzip file in 4,000 had a first block that "matched",
    /// and was read as a plain tar, its gzip bytes as headers (a CI run
    /// met one: `unpack` of an archive `pack` had just made failed with
    /// "truncated" after warnings about a header named "\037\213\b\004").
    static func checksumMatches(_ header: [UInt8]) -> Bool {
        // The unsigned sum and how many bytes have their high bit set; the
        // signed sum is the unsigned one less 256 for each of those. The
        // checksum field itself is counted as eight spaces.
        var (unsigned, high) = header.count == TarHeader.blockSize ? blockSums(header) : byteSums(header[...])
        let field = byteSums(header[148..<156])
        unsigned += 8 * 32 - field.sum
        high -= field.high
        let signed = unsigned - 256 * high
        let stored = octal(header, 148, 8)
        guard stored >= 0, header[148..<156].contains(where: { (0x30...0x37).contains($0) }) else { return false }
        return stored == Int64(unsigned) || stored == Int64(signed)
    }

    /// The sum of `bytes` and how many have their high bit set, a byte at a time.
    private static func byteSums(_ bytes: ArraySlice<UInt8>) -> (sum: Int, high: Int) {
        var sum = 0
        var high = 0
        for byte in bytes {
            sum &+= Int(byte)
            high &+= Int(byte >> 7)
        }
        return (sum, high)
    }

    /// `byteSums` of a 512-byte block, eight bytes at a time: each word's
    /// bytes added pairwise into four 16-bit lanes, their high bits into
    /// eight byte lanes (64 words: a lane holds at most 64 × 510 and 64).
    /// The compiler made no vector code of the loop a byte at a time: 1.3%
    /// of `unpack`'s samples on 40,000 small files (two headers each).
    private static func blockSums(_ block: [UInt8]) -> (sum: Int, high: Int) {
        block.withUnsafeBytes { raw in
            let bytePairs: UInt64 = 0x00FF_00FF_00FF_00FF
            var pairs: UInt64 = 0
            var highs: UInt64 = 0
            for word in 0..<(TarHeader.blockSize / 8) {
                let value = raw.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)
                pairs &+= (value & bytePairs) &+ ((value >> 8) & bytePairs)
                highs &+= (value >> 7) & 0x0101_0101_0101_0101
            }
            highs = (highs & bytePairs) &+ ((highs >> 8) & bytePairs)
            func lanes(_ value: UInt64) -> Int {
                Int((value & 0xFFFF) + ((value >> 16) & 0xFFFF) + ((value >> 32) & 0xFFFF) + (value >> 48))
            }
            return (lanes(pairs), lanes(highs))
        }
    }

    private mutating func parseHeader<H: Handler>(_ header: [UInt8], handler: inout H) throws(BaleError) {
        if header.allSatisfy({ $0 == 0 }) {
            zeroBlocks += 1
            if zeroBlocks == 2 { state = .finished }  // the end: what follows is looked at once (`feed`)
            return
        }
        let valid = Self.checksumMatches(header)
        if zeroBlocks == 1 {
            // GNU tar ends the archive there ("A lone zero block"). bale
            // reads on when a header follows, so that nothing after it is
            // lost, and ends there as GNU tar when anything else follows;
            // either way it says so.
            let at = offset - Int64(TarHeader.blockSize)
            if !valid {
                warn(path: archiveName, "a lone zero block at byte \(at) of the tar stream, then what is not a tar header; read as the end")
                state = .finished
                looksPastEnd = false
                return
            }
            warn(path: archiveName, "a lone zero block at byte \(at) of the tar stream; reading on")
        }
        zeroBlocks = 0
        if entryStart == nil { entryStart = offset }
        // Before any valid header, only a tar's damaged header begins a
        // skip (then every block up to the next header is skipped).
        let skips = skipsDamagedHeaders && (sawValidHeader || isSkippingDamage || TarHeader.hasUstarMagic(header))
        guard valid else {
            guard skips else {
                // A cpio archive in gzip (an initramfs, `find | cpio -o |
                // gzip`) is named as one, as a plain one is before any
                // reading (`ArchiveInput`), not as a bad tar (a probe helper).
                if offset == 0 && !sawValidHeader && CpioArchive.begins(Array(header.prefix(12))) {
                    throw corrupt(CpioArchive.foundInTarStream)
                }
                throw corrupt("bad tar header checksum")
            }
            skipDamagedHeader(saying: "bad tar header checksum at byte \(offset) of the tar stream")
            return
        }
        let type = header[156]
        let headerSize = Self.octalOrBase256(header, 124, 12)
        // A header whose size is no number (or a negative one), with no pax
        // size for it, gives no way to find where its data ends: as GNU
        // tar, it is named and skipped like a damaged header, block by
        // block to the next one, and the entries after it are read
        // ("Archive contains ‘zzzzzzzzzzz’ where numeric off_t value
        // expected", "Skipping to next header"); bale stopped the whole
        // archive there ("negative entry size").
        let isExtended = [UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K")]
            .contains(type)
        let paxSize = isExtended ? nil : value("size").flatMap { Self.decimal($0) }
        if headerSize < 0 && (paxSize ?? -1) < 0 {
            let text = TerminalText.name(Self.field(header, 124, 12))
            // The first header of a stream, as one with a bad checksum there:
            // not a tar archive.
            guard skips else { throw corrupt("its size field holds \(TerminalText.quoted(text)), not a number") }
            skipDamagedHeader(saying: "the header at byte \(offset) of the tar stream has \(TerminalText.quoted(text)) for its size, "
                              + "not a number")
            return
        }
        isSkippingDamage = false
        sawValidHeader = true

        switch type {
        case UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K"):
            guard headerSize >= 0 else { throw corrupt("negative entry size") }
            guard headerSize <= Self.maximumExtendedSize else { throw corrupt("extended header of \(headerSize) bytes") }
            // Room for the whole body at once: grown as it came, a body of
            // 64 MiB was copied at each doubling, the old copy and the new
            // held together (a 65 MB header: `list` 141 MiB). Pages not
            // reached, if the archive ends first, are never touched.
            extended = []
            extended.reserveCapacity(Int(headerSize))
            if type == UInt8(ascii: "g") { globalHeader = header }
            contentLeft = headerSize
            paddingLeft = TarHeader.padding(headerSize)
            state = headerSize > 0 ? .extendedBody(type) : .header
            if headerSize == 0 { try finishExtended(type) }
            return
        default:
            break
        }
        try beginEntry(header, type: type, headerSize: headerSize, handler: &handler)
    }

    /// Skips a damaged header (the reader then looks at each block for the
    /// next header), naming it once for a run of damaged blocks as `cause`
    /// and "skipping to the next header". What pax or long-name headers came
    /// before it described the lost entry, not the next: they are dropped.
    private mutating func skipDamagedHeader(saying cause: String) {
        if !isSkippingDamage {
            isSkippingDamage = true
            if firstSkipAfter == nil { firstSkipAfter = .some(lastBegun) }
            collect(.error(path: archiveName, cause + "; skipping to the next header"))
        }
        entryStart = nil
        forgetExtendedHeaders()
    }

    /// A pax value for the entry: its own header's, else a global one's
    /// (an empty value cancels, as POSIX says).
    private func value(_ key: String) -> [UInt8]? {
        guard let found = overrides[key] ?? longNames[key] ?? globals[key], !found.isEmpty else { return nil }
        return found
    }

    /// Whether a pax record given empty deletes the header's field `key`.
    private func deletes(_ key: String) -> Bool {
        (overrides[key] ?? globals[key])?.isEmpty == true
    }

    private func number(_ key: String) -> Int64? {
        value(key).flatMap { Self.decimal($0) }
    }

    private mutating func warn(path: String, _ cause: String) { collect(.warning(path: path, cause)) }

    /// Collects a problem at its place in the archive: the offset of the
    /// headers of the entry being read (`TarEntry.headerOffset`), or of
    /// the block being read between entries. An extractor's diagnostics
    /// of an entry take the same place (`Handler.finishInOrder`), so that
    /// both are said entry by entry, the reader's first, as GNU tar says
    /// them as it reads.
    private mutating func collect(_ problem: Diagnostic) {
        problems.append(problem, order: Int(entryStart ?? offset))
    }

    private mutating func beginEntry<H: Handler>(
        _ header: [UInt8], type: UInt8, headerSize: Int64, handler: inout H
    ) throws(BaleError) {
        var size = headerSize
        var sizeFromPax = false
        if let paxSize = value("size") {
            if let parsed = Self.decimal(paxSize), parsed >= 0 {
                size = parsed
                sizeFromPax = true
            } else {
                // Reading a whole stream, the header's own size is used, as
                // GNU tar does ("Malformed extended header: invalid size=").
                let problem = "bad pax size \(TerminalText.name(paxSize))"
                guard skipsDamagedHeaders else { throw corrupt(problem) }
                collect(.error(path: archiveName,
                                       "\(problem) at byte \(offset) of the tar stream; the header's size used"))
            }
        }
        guard size >= 0 else { throw corrupt("negative entry size") }

        var name = Self.field(header, 0, 100)
        let magic = Array(header[257..<263])
        if magic == Array("ustar\u{0}".utf8) {
            // star's ustar variant ends its header with "tar\0" and keeps
            // times after a prefix of 131 bytes.
            let isStar = header[508..<512].elementsEqual("tar\u{0}".utf8)
            let prefix = Self.field(header, 345, isStar ? 131 : 155)
            if !prefix.isEmpty { name = prefix + [UInt8(ascii: "/")] + name }
        }
        // A pax name is read up to its first NUL byte, as GNU tar and
        // bsdtar read it (a C string): "..\0/..\0/x" is "..", never a name
        // whose components only look harmless until the system reads them.
        if let path = value("path") { name = Self.upToNUL(path) }
        // An empty `path` record deletes the header's name too, as POSIX
        // says of an empty value and GNU tar reads it (an empty name,
        // listed empty, "Substituting '.'"): bale took the ustar name, one
        // `tar -tv` never shows, and extracted under it (a probe helper).
        else if deletes("path") { name = [] }
        var link = Self.field(header, 157, 100)
        if let linkPath = value("linkpath") { link = Self.upToNUL(linkPath) } else if deletes("linkpath") { link = [] }

        var kind = TarEntry.Kind.file
        var special: TarEntry.Special?
        switch type {
        // A regular file whose name ends in '/' is a directory (the BSD
        // convention GNU tar follows); its data blocks are still skipped.
        // A name of slashes alone is not (GNU tar's strip_trailing_slashes
        // leaves "/" as it is: `tar -tv` lists it as a file).
        case UInt8(ascii: "0"), 0: kind = Self.endsInSlashAfterAName(name) ? .directory : .file
        case UInt8(ascii: "7"):
            kind = Self.endsInSlashAfterAName(name) ? .directory : .file
            if kind == .file { special = .contiguous }
        case UInt8(ascii: "1"): kind = .hardLink
        case UInt8(ascii: "2"): kind = .symbolicLink
        case UInt8(ascii: "3"): kind = .characterDevice
        case UInt8(ascii: "4"): kind = .blockDevice
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "6"): kind = .fifo
        case UInt8(ascii: "S"): kind = .file
        case UInt8(ascii: "D"):
            kind = .directory
            special = .dumpDirectory
        case UInt8(ascii: "V"): special = .volumeLabel
        case UInt8(ascii: "M"): special = .continuation(offset: max(0, Self.octalOrBase256(header, 369, 12)))
        default: special = .unknownType(type)
        }
        // No data follows a hard link, a symbolic link, a device, a
        // directory or a FIFO, whatever the size field says (POSIX: "no
        // data blocks are stored" for the devices and FIFOs, and the
        // links' and directories' sizes are zero); the type's doc above.
        let dataFollows = !(UInt8(ascii: "1")...UInt8(ascii: "6")).contains(type)
        let stored = dataFollows ? size : 0

        var entry = TarEntry(
            name: name, kind: kind, mode: UInt32(truncatingIfNeeded: max(0, Self.octal(header, 100, 8))),
            userID: thirtyTwoBits(header, 108, "uid_t", of: name),
            groupID: thirtyTwoBits(header, 116, "gid_t", of: name),
            modificationSeconds: Self.octalOrBase256(header, 136, 12))
        entry.special = special
        // The rest of a file from another volume in pax form (GNU tar's
        // posix multi-volume: a plain file whose `GNU.volume.offset` says
        // where in the file its data starts) is one as the 'M' entry is:
        // named and not extracted. It was extracted, and verified "OK",
        // as a whole file of its tail's bytes (a probe helper).
        if special == nil, kind == .file, let offset = value("GNU.volume.offset").flatMap({ Self.decimal($0) }), offset > 0 {
            entry.special = .paxContinuation(offset: offset)
        }
        if let mtime = value("mtime"), let time = Self.parseTime(mtime) {
            (entry.modificationSeconds, entry.modificationNanoseconds) = time
        } else {
            if let mtime = value("mtime") {
                warn(path: shown(name), "extended header mtime=\(TerminalText.name(mtime)) is out of range or malformed; ignored")
            }
            // A base-256 time beyond 64 bits: -1, as GNU tar makes it.
            if case .failure = Self.base256(header, 136, 12) {
                warn(path: shown(name), "base-256 time stamp out of range; -1 used")
                entry.modificationSeconds = -1
            }
        }
        if let id = thirtyTwoBitRecord("uid", of: name) { entry.userID = id }
        if let id = thirtyTwoBitRecord("gid", of: name) { entry.groupID = id }
        // A numeric field that holds no number (and no pax record stands
        // for it): named, as GNU tar names it ("Archive contains ‘…’ where
        // numeric mode_t value expected"), never passed over without a
        // word. Taken as -1, as GNU tar takes it (an id no one has, a time
        // before 1970), but a mode as 0, not as GNU tar's 07777 (setuid).
        for (field, start, width, key) in Self.numericFields
        where header[start] & 0x80 == 0 && Self.octal(header, start, width) < 0 && (key.isEmpty || value(key) == nil) {
            let text = TerminalText.name(Self.field(header, start, width))
            warn(path: shown(name), "the header's \(field) field holds \(TerminalText.quoted(text)), not a number; \(key.isEmpty ? 0 : -1) used")
        }
        entry.linkTarget = link
        // Owner names are in ustar and GNU headers (magic "ustar"); a v7
        // header has none, and its bytes there may be anything (as root,
        // they would name the owner to give the file): GNU tar shows and
        // uses the numeric ids.
        let hasNames = header[257..<262].elementsEqual("ustar".utf8)
        // An empty pax record deletes the header's field (POSIX): `uname=`
        // means no name, and the ids say who owns the file, as GNU tar and
        // python read it; the header's stale name was taken (root for a
        // file of uid 1, extracted as root's).
        entry.userName = value("uname") ?? (hasNames && !deletes("uname") ? Self.field(header, 265, 32) : [])
        entry.groupName = value("gname") ?? (hasNames && !deletes("gname") ? Self.field(header, 297, 32) : [])
        if kind == .characterDevice || kind == .blockDevice {
            entry.deviceMajor = thirtyTwoBits(header, 329, "major_t", of: name)
            entry.deviceMinor = thirtyTwoBits(header, 337, "minor_t", of: name)
            // libarchive's records for numbers the header may not hold
            // (bsdtar writes them for a minor of 2^18 and up): they win, as
            // in bsdtar. GNU tar warns it does not know them.
            if let major = thirtyTwoBitRecord("SCHILY.devmajor", of: name) { entry.deviceMajor = major }
            if let minor = thirtyTwoBitRecord("SCHILY.devminor", of: name) { entry.deviceMinor = minor }
        } else {
            entry.deviceMajor = UInt32(truncatingIfNeeded: max(0, Self.octalOrBase256(header, 329, 8)))
            entry.deviceMinor = UInt32(truncatingIfNeeded: max(0, Self.octalOrBase256(header, 337, 8)))
        }
        entry.size = stored
        // What GNU tar lists where no data follows: the size field (a
        // directory's, a symbolic link's or a device's), but a hard link's
        // as 0 (its read_header: "links 0 size on tape"), unless a pax size
        // record gives one (applied after).
        let listedSize = type == UInt8(ascii: "1") && !sizeFromPax ? 0 : size
        if !dataFollows && listedSize > 0 { entry.listedSizeField = listedSize }

        // Sparse files: the old GNU type, or pax records of any format.
        var extensionFollows = false
        var mapInData = false
        // A sparse map in the headers that cannot be used: reading a whole
        // stream, the entry is named and its data skipped, and the entries
        // after it are read, as GNU tar does ("invalid sparse archive
        // member"); otherwise the reading stops there.
        do throws(BaleError) {
            if type == UInt8(ascii: "S") {
                // Known first: should the map fail, the blocks still follow.
                extensionFollows = header[482] != 0
                let realSize = Self.octalOrBase256(header, 483, 12)
                guard realSize >= 0 else { throw corrupt("bad sparse file size") }
                var found = Sparse(realSize: realSize)
                try Self.addRegions(header, from: 386, count: 4, to: &found, archive: self)
                sparse = found
            } else if kind == .file && special == nil, isPaxSparse {
                let major = number("GNU.sparse.major")
                let minor = number("GNU.sparse.minor")
                guard let realSize = number("GNU.sparse.realsize") ?? number("GNU.sparse.size"), realSize >= 0 else {
                    throw corrupt("pax sparse file without a valid size")
                }
                if let sparseName = value("GNU.sparse.name") { entry.name = Self.upToNUL(sparseName) }
                var found = Sparse(realSize: realSize)
                if major == 1 && (minor ?? 0) == 0 {
                    mapInData = true
                } else if major == nil || major == 0 {
                    var numbers = paxSparseNumbers
                    if let map = value("GNU.sparse.map") {
                        // Parsed in place, not split: a map of 64 MiB split
                        // into slices would take many times that.
                        numbers = []
                        var digits: Int64?
                        for index in 0...map.count {
                            let byte = index < map.count ? map[index] : UInt8(ascii: ",")
                            if byte == UInt8(ascii: ",") {
                                guard let number = digits, numbers.count < 2 * Self.maximumSparseRegions else {
                                    throw corrupt("bad GNU.sparse.map")
                                }
                                numbers.append(number)
                                digits = nil
                                continue
                            }
                            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
                                throw corrupt("bad GNU.sparse.map")
                            }
                            let (times, overflow1) = (digits ?? 0).multipliedReportingOverflow(by: 10)
                            let (sum, overflow2) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
                            guard !overflow1, !overflow2 else { throw corrupt("bad GNU.sparse.map") }
                            digits = sum
                        }
                    }
                    guard numbers.count % 2 == 0 else { throw corrupt("bad pax sparse map") }
                    guard numbers.count / 2 <= Self.maximumSparseRegions else { throw corrupt("sparse map too large") }
                    for pair in stride(from: 0, to: numbers.count, by: 2) {
                        found.regions.append((numbers[pair], numbers[pair + 1]))
                    }
                } else {
                    throw corrupt("unknown sparse format \(major ?? 0).\(minor ?? 0)")
                }
                sparse = found
            } else if special == nil, isPaxSparse {
                // Sparse records on a link, a directory or a device: GNU
                // tar says "numeric overflow in sparse archive member"
                // (exit 2), bsdtar "Non-regular file cannot be sparse".
                // The entry is read as its type says; the records (and a
                // GNU.sparse.name) are said to be dropped, not dropped
                // unsaid (exit 0, the entry under its stand-in name).
                warn(path: shown(entry.name), "sparse file records on an entry that is not a regular file; ignored")
            }
            if let found = sparse {
                entry.isSparse = true
                entry.kind = .file
                entry.storedSize = stored
                entry.size = found.realSize
                if !extensionFollows && !mapInData { try Self.check(found, stored: stored, archive: self) }
            }
        } catch {
            forgetExtendedHeaders()
            entryStart = nil
            contentLeft = stored
            paddingLeft = TarHeader.padding(stored)
            try skipUnusableSparseEntry(entry: entry, headerAt: offset, extensionsFollow: extensionFollows,
                                        error, handler: &handler)
            return
        }

        if !paxAttributes.libarchive.isEmpty || !paxAttributes.schily.isEmpty || !paxAttributeProblems.isEmpty
            || value("SCHILY.acl.access") != nil || value("SCHILY.acl.default") != nil {
            readAttributes(into: &entry)
        }
        let isPax = !overrides.isEmpty || sawEntryPaxHeader
        forgetExtendedHeaders()
        if isPax, let label = pendingVolumeLabel, !volumeLabelGiven {
            // GNU tar's label line, before the first pax entry.
            pendingVolumeLabel = nil
            volumeLabelGiven = true
            contentLeft = 0
            paddingLeft = 0
            try begin(label, handler: &handler)
            try startContent(handler: &handler)
        }
        entry.headerOffset = entryStart ?? offset
        entry.contentOffset = offset + Int64(TarHeader.blockSize)
        entryStart = nil
        contentLeft = stored
        paddingLeft = TarHeader.padding(stored)
        if extensionFollows || mapInData {
            entryAwaitingMap = entry
            state = extensionFollows ? .sparseExtension : .sparseMap
            if mapInData && stored == 0 {
                try skipUnusableSparseEntry(corrupt("pax sparse file without its map"), handler: &handler)
            }
            return
        }
        try begin(entry, handler: &handler)
        try startContent(handler: &handler)
        // A link (hard or symbolic), a device or a FIFO with a size: does
        // its data follow? (Asked of entries without data only: no test on
        // a file's path.) A hard link's too, though GNU tar reads its size
        // field as 0: python's tarfile, given a file object for one, wrote
        // the data, which GNU tar and bale then took for a damaged header
        // ("bad tar header checksum ... skipping to the next header", exit 1).
        if !dataFollows && size > 0 && type != UInt8(ascii: "5") {
            state = .headerOrStoredData(size)
        }
    }

    /// The id a pax `uid` or `gid` record gives the entry named `name`, if
    /// any and usable; one that is not is named (the header's id is kept).
    /// The 8-byte numeric field at `offset` (an owner's id, a device's
    /// number) as 32 bits. A base-256 value outside them (a forged or
    /// broken header: 2^40 + 5, or -2) was cut to its low bits, so that a
    /// file meant for no one went to uid 5, exit 0. As GNU tar: "Archive
    /// value N is out of uid_t range 0..4294967295" (exit 2), and the
    /// largest value used, which chown takes for "leave as it is".
    private mutating func thirtyTwoBits(_ header: [UInt8], _ offset: Int, _ type: String, of name: [UInt8]) -> UInt32 {
        let value = Self.octalOrBase256(header, offset, 8)
        if let fits = UInt32(exactly: value) { return fits }
        // Only base-256 holds such values; a field that holds no number
        // (-1) is named by the check for those, below.
        guard header[offset] & 0x80 != 0 else { return UInt32(truncatingIfNeeded: value) }
        warn(path: shown(name), "Archive value \(value) is out of \(type) range 0..4294967295")
        return UInt32.max
    }

    private mutating func thirtyTwoBitRecord(_ key: String, of name: [UInt8]) -> UInt32? {
        guard let text = value(key) else { return nil }
        if let number = Self.decimal(text), let id = UInt32(exactly: number) { return id }
        warn(path: shown(name), "extended header \(key)=\(TerminalText.name(text)) is out of range or malformed; ignored")
        return nil
    }

    /// The entry named `name` as a message names it (made only for a
    /// message: escaping every name would cost on every entry).
    private func shown(_ name: [UInt8]) -> String { "\(archiveName): \(TerminalText.name(name))" }

    /// The next bytes fed are the first of another gzip member: the entry
    /// they belong to is remembered, for a message should the member's
    /// check fail at its end (`entryAtGzipMemberStart`). Within an entry's
    /// data (or its padding), that entry; between entries, the next one.
    public mutating func markGzipMemberStart() {
        switch state {
        case .content, .padding:
            gzipMemberFirstName = lastBegunName
            gzipMemberBeginsAtNextEntry = false
        default:
            gzipMemberFirstName = nil
            gzipMemberBeginsAtNextEntry = true
        }
    }

    /// Gives `entry` to the handler.
    private mutating func begin<H: Handler>(_ entry: TarEntry, handler: inout H) throws(BaleError) {
        entriesRead += 1
        lastBegunName = entry.name
        if gzipMemberBeginsAtNextEntry {
            gzipMemberBeginsAtNextEntry = false
            gzipMemberFirstName = entry.name
        }
        try handler.begin(entry)
    }

    /// The map of the entry awaiting it is read and checked: the entry is
    /// given to the handler, and its data follows.
    private mutating func beginEntryAwaitingMap<H: Handler>(handler: inout H) throws(BaleError) {
        guard let entry = entryAwaitingMap else { throw corrupt("sparse map without a sparse file") }
        entryAwaitingMap = nil
        try begin(entry, handler: &handler)
        try startContent(handler: &handler)
    }

    /// A sparse file whose map cannot be used (`error`): reading a whole
    /// stream, it is named, the rest of its data (`contentLeft` and
    /// `paddingLeft`) skipped as padding is, and the entries after it are
    /// read, as GNU tar does ("invalid sparse archive member"); otherwise
    /// the reading stops there. `name` and `headerAt` say which entry
    /// (by default the one awaiting its map). The handler hears of it
    /// (`unread`), so that a name given for it is not "Not found".
    ///
    /// `extensionsFollow`: old GNU extension blocks are still to come (the
    /// map failed in the header or in a block that is not the last). They
    /// are not counted in the entry's size, so they are read first
    /// (`discardingSparseExtensions`), and only then the data skipped:
    /// skipping at once would end inside the data, and read it as headers.
    private mutating func skipUnusableSparseEntry<H: Handler>(entry given: TarEntry? = nil, headerAt: Int64? = nil,
                                                              extensionsFollow: Bool = false,
                                                              _ error: BaleError, handler: inout H) throws(BaleError) {
        let awaiting = entryAwaitingMap
        entryAwaitingMap = nil
        sparse = nil
        guard skipsDamagedHeaders, case .badArchive(_, _, let reason) = error,
              let unreadable = given ?? awaiting else { throw error }
        let at = headerAt ?? (awaiting.map { $0.contentOffset - Int64(TarHeader.blockSize) } ?? offset)
        collect(.error(path: shown(unreadable.name),
                               "invalid sparse file at byte \(at) of the tar stream (\(reason)); not read"))
        // Listed, as `tar -tv` lists it (bale's `list` left it out, said
        // only in the error: a probe helper).
        try handler.unreadable(unreadable)
        handler.unread(unreadable.name)
        // Its data, skipped as padding is; a size no stream can hold (a
        // hostile header's, up to Int64.max) skips to the end.
        let (skipped, overflow) = Int(contentLeft).addingReportingOverflow(paddingLeft)
        contentLeft = 0
        paddingLeft = overflow ? Int.max : skipped
        discardingSparseExtensions = extensionsFollow
        state = extensionsFollow ? .sparseExtension : paddingLeft > 0 ? .padding : .header
    }

    /// True when the pax records describe a sparse file.
    private var isPaxSparse: Bool {
        !paxSparseNumbers.isEmpty || overrides["GNU.sparse.major"] != nil || overrides["GNU.sparse.realsize"] != nil
            || overrides["GNU.sparse.size"] != nil || overrides["GNU.sparse.map"] != nil
    }

    /// The entry's data begins (after a sparse map, if any).
    private mutating func startContent<H: Handler>(handler: inout H) throws(BaleError) {
        if contentLeft > 0 {
            state = .content
        } else {
            try endContent(handler: &handler)
        }
    }

    /// The entry's stored data is all read: a sparse file's last hole, then its end.
    private mutating func endContent<H: Handler>(handler: inout H) throws(BaleError) {
        if let found = sparse {
            sparse = nil
            if found.realSize > found.position { try handler.hole(found.realSize - found.position) }
        }
        try handler.end()
        state = paddingLeft > 0 ? .padding : .header
    }

    // MARK: Sparse files

    /// How many of the next stored bytes belong to the current data region;
    /// gives the hole before it to the handler first.
    private mutating func sparseRegionLeft<H: Handler>(handler: inout H) throws(BaleError) -> Int64 {
        while true {
            guard let found = sparse, found.index < found.regions.count else {
                throw corrupt("sparse file data beyond its map")
            }
            let region = found.regions[found.index]
            if found.position < region.offset {
                try handler.hole(region.offset - found.position)
                sparse!.position = region.offset
            }
            let left = region.offset + region.length - sparse!.position
            if left > 0 { return left }
            sparse!.index += 1
        }
    }

    /// Appends the (offset, length) pairs of `count` 24-byte slots from
    /// `start`, up to the first empty one.
    private static func addRegions(_ block: [UInt8], from start: Int, count: Int, to found: inout Sparse,
                                   archive: TarReader) throws(BaleError) {
        for slot in 0..<count {
            let at = start + 24 * slot
            if block[at] == 0 { break }
            let regionOffset = octalOrBase256(block, at, 12)
            let length = octalOrBase256(block, at + 12, 12)
            guard regionOffset >= 0, length >= 0 else { throw archive.corrupt("bad sparse map") }
            guard found.regions.count < maximumSparseRegions else { throw archive.corrupt("sparse map too large") }
            found.regions.append((regionOffset, length))
        }
    }

    /// An old GNU sparse extension block: 21 more regions, and whether
    /// another block follows.
    private mutating func readSparseExtension<H: Handler>(_ extensionBlock: [UInt8], handler: inout H) throws(BaleError) {
        let isLast = extensionBlock[504] == 0
        if discardingSparseExtensions {
            // An unusable map's block: read, ignored; after the last, its data is skipped.
            if isLast {
                discardingSparseExtensions = false
                state = paddingLeft > 0 ? .padding : .header
            }
            return
        }
        guard var found = sparse else { throw corrupt("sparse extension without a sparse file") }
        sparse = nil  // not copied on write while regions are added
        do throws(BaleError) {
            try Self.addRegions(extensionBlock, from: 0, count: 21, to: &found, archive: self)
            if isLast { try Self.check(found, stored: contentLeft, archive: self) }
        } catch {
            try skipUnusableSparseEntry(extensionsFollow: !isLast, error, handler: &handler)
            return
        }
        sparse = found
        if isLast { try beginEntryAwaitingMap(handler: &handler) }
    }

    /// Reads the pax 1.0 map ("COUNT\nOFFSET\nLENGTH\n..." in decimal, then
    /// zeros to a block's end) from the data; returns the bytes consumed.
    private mutating func readSparseMap<H: Handler>(_ bytes: UnsafeRawBufferPointer, handler: inout H) throws(BaleError) -> Int {
        var used = 0
        let isWhole: Bool
        do throws(BaleError) {
            isWhole = try parseSparseMap(bytes, used: &used)
        } catch {
            try skipUnusableSparseEntry(error, handler: &handler)
            return used
        }
        if isWhole { try beginEntryAwaitingMap(handler: &handler) }
        return used
    }

    /// Adds what `bytes` hold of the pax 1.0 map to the sparse file's,
    /// counting the bytes consumed in `used` (kept when it throws, so that
    /// the rest of the entry can be skipped from there); true once the
    /// map and its padding are read and the map checks out.
    private mutating func parseSparseMap(_ bytes: UnsafeRawBufferPointer, used: inout Int) throws(BaleError) -> Bool {
        guard var found = sparse else { throw corrupt("sparse map without a sparse file") }
        sparse = nil  // not copied on write while the map is added to
        defer { sparse = found }
        while used < bytes.count && contentLeft > 0 {
            if let padding = found.mapPadding {
                let take = Int(min(Int64(min(padding, bytes.count - used)), contentLeft))
                used += take
                contentLeft -= Int64(take)
                offset += Int64(take)
                found.mapPadding = padding - take
                if found.mapPadding! > 0 { continue }
                break
            }
            let byte = bytes[used]
            used += 1
            contentLeft -= 1
            offset += 1
            found.mapBytes += 1
            if byte == UInt8(ascii: "\n") {
                guard let number = found.digits else { throw corrupt("bad sparse map") }
                found.numbers.append(number)
                found.digits = nil
                let count = found.numbers[0]
                guard count >= 0, count <= Int64(Self.maximumSparseRegions) else { throw corrupt("sparse map too large") }
                if found.numbers.count == 1 + 2 * Int(count) {
                    for pair in stride(from: 1, to: found.numbers.count, by: 2) {
                        found.regions.append((found.numbers[pair], found.numbers[pair + 1]))
                    }
                    found.numbers = []
                    found.mapPadding = TarHeader.padding(found.mapBytes)
                    if found.mapPadding == 0 { break }
                }
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                let digit = Int64(byte - UInt8(ascii: "0"))
                let (times, overflow1) = (found.digits ?? 0).multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { throw corrupt("bad sparse map") }
                found.digits = sum
            } else {
                throw corrupt("bad sparse map")
            }
        }
        if found.mapPadding == 0 {
            try Self.check(found, stored: contentLeft, archive: self)
            return true
        }
        if contentLeft == 0 { throw corrupt("sparse map runs past the file's data") }
        return false
    }

    /// Checks a sparse map: regions in order, within the real size, whose
    /// lengths add up to the data stored.
    private static func check(_ found: Sparse, stored: Int64, archive: TarReader) throws(BaleError) {
        var end: Int64 = 0
        var total: Int64 = 0
        for region in found.regions {
            let (regionEnd, overflow) = region.offset.addingReportingOverflow(region.length)
            guard region.offset >= end, region.length >= 0, !overflow, regionEnd <= found.realSize else {
                throw archive.corrupt("bad sparse map")
            }
            end = regionEnd
            total += region.length
        }
        guard total == stored else { throw archive.corrupt("sparse map does not match the data stored") }
    }

    // MARK: Extended headers

    /// Whether `name` ends in '/' and holds something else: "d/" and "./"
    /// name directories, "/" and "//" do not.
    private static func endsInSlashAfterAName(_ name: [UInt8]) -> Bool {
        name.last == UInt8(ascii: "/") && name.contains { $0 != UInt8(ascii: "/") }
    }

    /// `bytes` up to their first NUL byte, as C reads a name.
    private static func upToNUL(_ bytes: [UInt8]) -> [UInt8] {
        guard let nul = bytes.firstIndex(of: 0) else { return bytes }
        return Array(bytes[..<nul])
    }

    /// Forgets what the pax and long-name headers before an entry said,
    /// once it has begun (or its header was found damaged).
    private mutating func forgetExtendedHeaders() {
        sawEntryPaxHeader = false
        overrides = PaxRecords()
        longNames = PaxRecords()
        paxSparseNumbers = []
        paxAttributes = ([:], [:])
        paxAttributeProblems = []
    }

    private mutating func finishExtended(_ type: UInt8) throws(BaleError) {
        switch type {
        case UInt8(ascii: "L"): longNames["path"] = Self.upToNUL(extended)
        case UInt8(ascii: "K"): longNames["linkpath"] = Self.upToNUL(extended)
        case UInt8(ascii: "g"):
            globals["GNU.volume.label"] = nil
            try parsePax(extended, global: true)
            // A volume label is no setting for later entries: an entry of
            // its own (GNU tar's), at this header's place.
            if let label = globals.removeValue(forKey: "GNU.volume.label"), !volumeLabelGiven,
               globalHeader.count == TarHeader.blockSize {
                var entry = TarEntry(name: label, kind: .file, mode: 0, userID: 0, groupID: 0,
                                     modificationSeconds: Self.octalOrBase256(globalHeader, 136, 12))
                entry.special = .volumeLabel
                entry.isGlobalLabel = true
                // The global records tar applies to it: its owner's names
                // and a time.
                entry.userName = globals["uname"] ?? []
                entry.groupName = globals["gname"] ?? []
                if let mtime = globals["mtime"], let time = Self.parseTime(mtime) {
                    (entry.modificationSeconds, entry.modificationNanoseconds) = time
                }
                entry.headerOffset = entryStart ?? offset
                entry.contentOffset = offset
                pendingVolumeLabel = entry
            }
        default:  // 'x', 'X'
            sawEntryPaxHeader = true
            // Only the last pax header before an entry counts, as GNU tar
            // reads them (bsdtar alike): two in a row were merged, and an
            // archive whose first one said `path=first` extracted under a
            // name `tar -t` never showed (GNU tar's: the second's, or the
            // header's own). Long names ('L', 'K') and globals stay.
            overrides = PaxRecords()
            paxSparseNumbers = []
            paxAttributes = ([:], [:])
            paxAttributeProblems = []
            try parsePax(extended, global: false)
        }
        extended = []
    }

    /// A pax record that cannot be read: reading a whole stream, it is
    /// named (an error) and the rest of its header ignored, the records
    /// before it kept, as GNU tar does ("Malformed extended header"), and
    /// the entry is read on; otherwise the reading stops there.
    /// `at`: the record's place in the tar stream.
    private mutating func skipDamagedRecords(at position: Int64) throws(BaleError) {
        guard skipsDamagedHeaders else { throw corrupt("bad pax record") }
        collect(.error(path: archiveName, "bad pax record at byte \(position) of the tar stream; "
                               + "the rest of its extended header ignored"))
    }

    /// Parses "LENGTH KEY=VALUE\n" records, checking every length.
    private mutating func parsePax(_ body: [UInt8], global: Bool) throws(BaleError) {
        var index = 0
        while index < body.count {
            // Zeros after the last record (some writers pad the body) end it.
            if body[index] == 0 { break }
            guard let space = body[index...].firstIndex(of: UInt8(ascii: " ")), space - index <= 20,
                  let length = Self.decimal(body[index..<space]).map(Int.init),
                  // `length <= body.count - index`, not `index + length <= body.count`:
                  // a record length near Int.max overflowed the sum and trapped, so a
                  // crafted archive crashed bale (Tests/BaleCoreTests/FuzzRegressionTests).
                  length > space - index + 2, length <= body.count - index,
                  body[index + length - 1] == UInt8(ascii: "\n") else {
                return try skipDamagedRecords(at: offset - Int64(body.count - index))
            }
            let record = body[(space + 1)..<(index + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else {
                return try skipDamagedRecords(at: offset - Int64(body.count - index))
            }
            index += length
            // Attribute names are any bytes: taken before the key becomes text.
            if takeAttribute(key: record[..<equals], value: record[(equals + 1)...], global: global) { continue }
            let key = String(decoding: record[..<equals], as: UTF8.self)
            let value = Array(record[(equals + 1)...])
            if !Self.knownKeywords.contains(key) {
                if !Self.informationalKeywords.contains(key) && warnedKeywords.count <= Self.maximumWarnedKeywords
                    && !warnedKeywords.contains(key) {
                    if warnedKeywords.count < Self.maximumWarnedKeywords {
                        warn(path: archiveName, "ignoring unknown extended header keyword '\(TerminalText.name(Array(key.utf8)))'")
                    } else {
                        warn(path: archiveName, "ignoring unknown extended header keywords past \(Self.maximumWarnedKeywords), "
                                 + "not named")
                    }
                    warnedKeywords.insert(key)
                }
                continue
            }
            if global {
                // Sparse maps describe one file, never every later one.
                if !key.hasPrefix("GNU.sparse.") { globals[key] = value }
            } else if key == "GNU.sparse.offset" || key == "GNU.sparse.numbytes" {
                // A region's offset and length are sizes: GNU tar says a
                // negative one is out of range.
                guard let number = Self.decimal(value), number >= 0 else { throw corrupt("bad \(key)") }
                guard paxSparseNumbers.count < 2 * Self.maximumSparseRegions else { throw corrupt("sparse map too large") }
                paxSparseNumbers.append(number)
            } else {
                overrides[key] = value
            }
        }
    }

    // MARK: Extended attributes and ACLs

    private static let schilyPrefix = Array("SCHILY.xattr.".utf8)
    private static let libarchivePrefix = Array("LIBARCHIVE.xattr.".utf8)

    /// Keeps an extended attribute record of the next entry; false when
    /// the record is not one. Global headers' attributes are ignored (an
    /// attribute describes one file, as GNU tar and bsdtar read them).
    private mutating func takeAttribute(key: ArraySlice<UInt8>, value: ArraySlice<UInt8>, global: Bool) -> Bool {
        let isSchily = key.starts(with: Self.schilyPrefix)
        guard isSchily || key.starts(with: Self.libarchivePrefix) else { return false }
        if global { return true }
        var name: [UInt8]
        var bytes: [UInt8]
        if isSchily {
            name = Array(key.dropFirst(Self.schilyPrefix.count))
            bytes = Array(value)
        } else {
            guard let decodedName = Self.percentDecoded(key.dropFirst(Self.libarchivePrefix.count)),
                  let decodedValue = Self.base64Decoded(value) else {
                paxAttributeProblems.append("bad extended header \(TerminalText.name(Array(key))); ignored")
                return true
            }
            (name, bytes) = (decodedName, decodedValue)
        }
        let known = isSchily ? paxAttributes.schily[name] != nil : paxAttributes.libarchive[name] != nil
        // bsdtar writes each attribute twice (LIBARCHIVE and SCHILY): the
        // larger of the two counts is how many there are.
        guard known || max(paxAttributes.schily.count, paxAttributes.libarchive.count) < Self.maximumAttributes else {
            // Said once for the entry: said for each attribute ignored, one
            // entry of 600,000 filled the run's 10,000 messages (a probe helper).
            let tooMany = "more than \(Self.maximumAttributes) extended attributes; the rest ignored"
            if paxAttributeProblems.last != tooMany { paxAttributeProblems.append(tooMany) }
            return true
        }
        if isSchily { paxAttributes.schily[name] = bytes } else { paxAttributes.libarchive[name] = bytes }
        return true
    }

    /// Gives the entry its attributes and ACLs from the pax records read,
    /// and what of them cannot be used: said by an extractor that restores
    /// them, not by `list` or `verify`, to which they make no difference.
    private func readAttributes(into entry: inout TarEntry) {
        var kept: [ExtendedAttributes.Attribute] = []
        entry.attributeProblems = paxAttributeProblems
        var kernelACLs: [[UInt8]: [UInt8]] = [:]
        // A SCHILY record's name is escaped as its writer escapes it: GNU
        // tar writes '%' and '=' as %25 and %3D (a raw '=' would end the
        // record's keyword), bsdtar %-encodes it as in its LIBARCHIVE
        // record beside it (a space is %20). Taken raw, `user.a=b` came
        // back as `user.a%3Db`, and from bsdtar each such name twice. The
        // SCHILY record wins over bsdtar's for the same name (its value
        // is raw, not base64).
        var attributes = paxAttributes.libarchive
        let fromBsdtar = !paxAttributes.libarchive.isEmpty
        for (recorded, value) in paxAttributes.schily {
            let name = fromBsdtar ? Self.percentDecoded(recorded[...]) ?? recorded : ExtendedAttributes.gnuDecoded(recorded)
            attributes[name] = value
        }
        for (name, value) in attributes.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            if let problem = ExtendedAttributes.problem(name: name, valueSize: value.count) {
                entry.attributeProblems.append("extended attribute \(TerminalText.name(name)): \(problem); not restored")
            } else if name == ExtendedAttributes.accessACLName || name == ExtendedAttributes.defaultACLName {
                kernelACLs[name] = value
            } else {
                kept.append(.init(name: name, value: value))
            }
        }
        entry.attributes = ExtendedAttributes(kept)
        for (key, name, path) in [("SCHILY.acl.access", ExtendedAttributes.accessACLName, \TarEntry.accessACL),
                                  ("SCHILY.acl.default", ExtendedAttributes.defaultACLName, \TarEntry.defaultACL)] {
            if let text = value(key) {
                if var acl = AccessControlList(text: text) {
                    // GNU tar's text names users without ids; its binary copy has them.
                    if let raw = kernelACLs[name], let kernel = AccessControlList(kernelForm: raw) { acl.takeIDs(from: kernel) }
                    entry[keyPath: path] = acl
                    continue
                }
                entry.attributeProblems.append("extended header \(key) does not parse as an ACL; not restored")
            }
            if let raw = kernelACLs[name] {
                if let acl = AccessControlList(kernelForm: raw) {
                    entry[keyPath: path] = acl
                } else {
                    entry.attributeProblems.append("extended attribute \(TerminalText.name(name)) is not an ACL; not restored")
                }
            }
        }
    }

    /// bsdtar's %-encoding of an attribute name (RFC 3986 style).
    static func percentDecoded(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var result: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == UInt8(ascii: "%") {
                guard index + 2 < text.endIndex, let high = hexDigit(text[index + 1]), let low = hexDigit(text[index + 2]) else {
                    return nil
                }
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(text[index])
                index += 1
            }
        }
        return result
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Base64 with or without padding (bsdtar writes none).
    static func base64Decoded(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var result: [UInt8] = []
        var bits: UInt32 = 0
        var count = 0
        for byte in text {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"): digit = 62
            case UInt8(ascii: "/"): digit = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            bits = bits << 6 | UInt32(digit)
            count += 6
            if count >= 8 {
                count -= 8
                result.append(UInt8(truncatingIfNeeded: bits >> UInt32(count)))
            }
        }
        return result
    }

    // MARK: Numbers

    /// A pax time, "SECONDS[.FRACTION]", possibly negative ("-1.5" is a
    /// second and a half before the epoch); nil if malformed or beyond
    /// 64-bit seconds (GNU tar then ignores it too, with a message).
    static func parseTime(_ text: [UInt8]) -> (Int64, Int32)? {
        // Read from the bytes (through a String it was 6% of the reading
        // thread's samples on an archive with a pax time on every entry).
        let rest = text[...]
        let negative = rest.first == UInt8(ascii: "-")
        let dot = rest.firstIndex(of: UInt8(ascii: "."))
        // The seconds with their sign: -2^63, GNU tar's least time, has
        // no magnitude in Int64 (it was refused, and `pack --mtime
        // @-9223372036854775808` wrote an archive bale then refused).
        guard var seconds = decimal(rest[..<(dot ?? rest.endIndex)]), negative == (seconds < 0) || seconds == 0 else {
            return nil
        }
        var nanoseconds: Int32 = 0
        if let dot {
            let fraction = rest[(dot + 1)...]
            guard fraction.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            var scale: Int32 = 100_000_000
            for digit in fraction.prefix(9) {
                nanoseconds += Int32(digit - UInt8(ascii: "0")) * scale
                scale /= 10
            }
            // Digits past the nanosecond round toward the past, as GNU
            // tar rounds them: a negative time's magnitude grows by one
            // (-0.9999999999 is -1.000000000; cut, it was -0.999999999, a
            // minute later in `list -v`: a reading helper).
            if negative, fraction.dropFirst(9).contains(where: { $0 != UInt8(ascii: "0") }) {
                nanoseconds += 1
                if nanoseconds == 1_000_000_000 {
                    guard seconds > Int64.min else { return nil }
                    seconds -= 1
                    nanoseconds = 0
                }
            }
        }
        guard negative, nanoseconds != 0 else { return (seconds, nanoseconds) }
        guard seconds > Int64.min else { return nil }
        return (seconds - 1, 1_000_000_000 - nanoseconds)
    }

    /// A number of a pax record, in decimal as POSIX writes it: an
    /// optional minus sign, then ASCII digits only; nil for anything else
    /// or a number past Int64's range (-2^63 is in it: a negative number
    /// is summed as one). The pax
    /// records' numbers go through it; the sparse maps written as lists
    /// (`GNU.sparse.map`, format 1.0's) have their own digit loops.
    /// Swift's `Int64(String)` also takes a
    /// leading plus, which GNU tar calls a malformed extended header: a
    /// crafted `+14 path=x` or `size=+0` made bale extract names and files
    /// `tar -x` does not, with exit 0.
    static func decimal<Digits: Collection<UInt8>>(_ text: Digits) -> Int64? {
        var digits = text[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value: Int64 = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            let (shifted, over) = value.multipliedReportingOverflow(by: 10)
            let (sum, overAgain) = negative ? shifted.subtractingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
                                            : shifted.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            if over || overAgain { return nil }
            value = sum
        }
        return value
    }

    private static func field(_ header: [UInt8], _ start: Int, _ width: Int) -> [UInt8] {
        Array(header[start..<(start + width)].prefix { $0 != 0 })
    }

    /// An octal field (leading spaces, ending at a space or NUL); -1 if
    /// it holds anything else or overflows, or blanks alone: GNU tar's
    /// "Blanks in header where numeric value expected" (a size of blanks
    /// read as 0 made a file's data, a nested tar, read as the archive's
    /// own entries, exit 0 and `verify` OK). Blanks then a NUL, or NULs,
    /// are 0, as there. One NUL before the rest is passed over, as GNU tar
    /// passes it ("buggy tar of unknown vintage, which outputs leading NUL
    /// if the previous field overflows"): a size of NUL then digits was 0,
    /// the entry's data read as headers and the file extracted empty, and
    /// a uid or time so written was 0, exit 0, where GNU tar reads the
    /// number (a probe helper).
    static func octal(_ header: [UInt8], _ start: Int, _ width: Int) -> Int64 {
        var value: Int64 = 0
        var started = false
        for byte in header[digitsStart(header, start, width)..<(start + width)] {
            if byte == 0 && !started { return 0 }
            if byte == 0 || byte == UInt8(ascii: " ") { if started { break } else { continue } }
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) else { return -1 }
            if value > Int64.max >> 3 { return -1 }
            value = value << 3 | Int64(byte - UInt8(ascii: "0"))
            started = true
        }
        return started ? value : -1
    }

    /// Octal, or GNU's base 256 (first byte's high bit set; its next bit
    /// the sign, two's complement) for values octal cannot hold; values
    /// beyond 64 bits clamped to Int64.min or .max (callers refuse a
    /// negative or impossible size).
    static func octalOrBase256(_ header: [UInt8], _ start: Int, _ width: Int) -> Int64 {
        switch base256(header, start, width) {
        case .success(let value): return value
        case .failure(let clamped): return clamped.value
        }
    }

    /// A base-256 value beyond 64 bits, clamped.
    struct OutOfRange: Error { var value: Int64 }

    /// Where a numeric field's number begins: after the one leading NUL
    /// GNU tar passes over (see `octal`), in octal and base 256 alike.
    private static func digitsStart(_ header: [UInt8], _ start: Int, _ width: Int) -> Int {
        header[start] == 0 && width > 1 ? start + 1 : start
    }

    /// Octal or base 256, as `octalOrBase256`, but a value beyond 64 bits
    /// is a failure (GNU tar: "Archive base-256 value is out of time_t range").
    static func base256(_ header: [UInt8], _ start: Int, _ width: Int) -> Result<Int64, OutOfRange> {
        let begin = digitsStart(header, start, width)
        let first = header[begin]
        guard first & 0x80 != 0 else { return .success(octal(header, start, width)) }
        let negative = first & 0x40 != 0
        // The magnitude of a negative number is that of its complement, plus one.
        var value = Int64(negative ? ~first & 0x3F : first & 0x3F)
        for byte in header[(begin + 1)..<(start + width)] {
            if value > Int64.max >> 8 { return .failure(OutOfRange(value: negative ? Int64.min : Int64.max)) }
            value = value << 8 | Int64(negative ? ~byte : byte)
        }
        return .success(negative ? -value - 1 : value)
    }
}

extension TarReader.Handler {
    /// By default an entry that cannot be read is only named (by the reader).
    public mutating func unread(_ name: [UInt8]) {}

    /// By default an entry that cannot be read is not shown.
    public mutating func unreadable(_ entry: TarEntry) throws(BaleError) {}

    /// By default content is used during the call only.
    public mutating func contentComes(from lent: LentBytes?) {}

    /// By default a stream stopped short changes nothing.
    public mutating func readingStopped() {}

    /// By default a pause of the input changes nothing.
    public mutating func inputPauses() {}

    /// Gives a hole to `content` as zeros, 64 KiB at a time.
    public mutating func hole(_ length: Int64) throws(BaleError) {
        var left = length
        let zeros = [UInt8](repeating: 0, count: 1 << 16)
        while left > 0 {
            let take = Int(min(left, Int64(zeros.count)))
            try typedThrows(BaleError.self) {
                try zeros.withUnsafeBytes { try content(UnsafeRawBufferPointer(rebasing: $0[0..<take])) }
            }
            left -= Int64(take)
        }
    }

    /// No warnings by default.
    public var warnings: [Diagnostic] { [] }

    /// Every problem of `finish` after the archive's, by default.
    public mutating func finishInOrder() -> CollectedDiagnostics {
        var collected = CollectedDiagnostics()
        for problem in finish() { collected.append(problem, order: .max) }
        return collected
    }
}
