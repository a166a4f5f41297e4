/// The bytes of an archive index (`ArchiveIndex`): what `ArchiveIndexEncoder`
/// writes and `ArchiveIndexDecoder` reads, in one place.
///
/// The index is a "blob": a 36-byte header, then the payload compressed
/// with raw deflate. The blob is cut into the extra fields of empty gzip
/// members (`GzipIndexMember`). All fixed numbers are little-endian.
///
///     'B' 'I' 'X' 01          magic, layout version 1
///     08 00 00 00             method 8: raw deflate; reserved
///     <u64 payload length>    uncompressed
///     <u64 compressed length> the bytes after this header
///     <u32 CRC-32>            of the uncompressed payload
///     <u64 entries>           how many entries the payload begins with
///     <compressed payload>
///
/// The payload is a series of unsigned LEB128 numbers ("varints": 7 bits a
/// byte, low first, the high bit set on every byte but the last; at most
/// 10 bytes) and byte strings (a varint length, then the bytes). The
/// entries come first, so that `pack` can compress them as it records
/// them (`ArchiveIndexEncoder`), and what is known only at the end after:
///
///     per entry:
///       header step           in 512-byte blocks from the previous entry's first header block
///                             (the first entry's: from the stream's start, so 0); at least 1 after the first
///       content step          blocks from its first header block to its data (at least 1)
///       kind                  0 file, 1 directory, 2 symbolic link, 3 hard link, 4 FIFO,
///                             5 character device, 6 block device
///       flags                 1: sparse file; 2: same owner names as the previous entry
///       mode, size
///       time                  seconds, zigzag-coded (negative times), then nanoseconds
///       uid, gid
///       user, group           two strings, absent with flag 2
///       name                  bytes shared with the previous entry's name, then a string of the rest
///       link target           a string
///       major, minor          devices only
///     stream length           the tar stream's bytes
///     member count, then per member:
///       compressed length     header to trailer; members follow one another from the stream's first byte
///       data length           its tar bytes; data follows on from member to member
///     digest count, then per digest (`pack --manifest`):
///       entry step            from the previous digest's entry (the first: its entry's number)
///       32 bytes              the file's SHA-256
///
/// Steps (not positions) make the entries' headers strictly increasing by
/// construction: an index cannot describe a loop. Names sharing their
/// directory with the previous entry cost only their last component.
public enum ArchiveIndexLayout {
    /// The blob's first four bytes: "BIX" and the layout version.
    public static let magic: [UInt8] = [0x42, 0x49, 0x58, 1]
    /// The compression method: raw deflate, as in gzip.
    public static let deflateMethod: UInt8 = 8
    /// The blob header's length.
    public static let headerLength = 36
    /// A tar block.
    public static let blockSize: UInt64 = 512
    /// The largest payload a reader inflates: 1 GiB, about ten million
    /// entries with long names (a limit on what a hostile index can make
    /// bale allocate; a real payload is also at most 1032 times its
    /// compressed bytes, deflate's best ratio).
    public static let maximumPayloadLength: UInt64 = 1 << 30
    /// deflate's largest ratio of output to input (a run of one byte).
    public static let maximumDeflateRatio: UInt64 = 1032
    /// The fewest payload bytes an entry takes (every field at its
    /// shortest, owner names as the entry before's): no entry count may
    /// promise more entries than the payload can hold.
    public static let minimumEntryLength: UInt64 = 13
    /// The length of a digest.
    public static let digestLength = 32

    /// Flags of an entry.
    static let sparseFlag: UInt8 = 1
    static let sameOwnerNamesFlag: UInt8 = 2

    /// The kind's number in the payload.
    static func number(of kind: TarEntry.Kind) -> UInt8 {
        switch kind {
        case .file: return 0
        case .directory: return 1
        case .symbolicLink: return 2
        case .hardLink: return 3
        case .fifo: return 4
        case .characterDevice: return 5
        case .blockDevice: return 6
        }
    }

    /// The kind a number stands for; nil for a number no kind has.
    static func kind(number: UInt64) -> TarEntry.Kind? {
        // A switch, not a table: an array literal here was an allocation
        // per entry decoded.
        switch number {
        case 0: return .file
        case 1: return .directory
        case 2: return .symbolicLink
        case 3: return .hardLink
        case 4: return .fifo
        case 5: return .characterDevice
        case 6: return .blockDevice
        default: return nil
        }
    }

    /// Appends `value` as a varint.
    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Appends a string: its length, then its bytes.
    static func appendString(_ string: [UInt8], to bytes: inout [UInt8]) {
        appendVarint(UInt64(string.count), to: &bytes)
        bytes += string
    }

    /// Zigzag coding: small negative numbers as small unsigned ones.
    static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }

    /// Appends `value` little-endian in `count` bytes.
    static func appendFixed(_ value: UInt64, bytes count: Int, to bytes: inout [UInt8]) {
        for shift in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(shift)))) }
    }

    /// Reads `count` bytes little-endian at `offset`.
    static func loadFixed(_ bytes: UnsafeRawBufferPointer, at offset: Int, bytes count: Int) -> UInt64 {
        (0..<count).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }
}
