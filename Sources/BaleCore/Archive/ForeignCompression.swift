/// The compressed formats bale does not read, told by their first bytes,
/// so that an archive compressed with one of them (`x.tar.xz`, `x.tar.zst`,
/// `x.tar.bz2`) given to `unpack`, `list`, `cat` or `verify` is refused
/// with its cause named, before anything is read or written.
///
/// Without this, such an archive is neither gzip nor tar, is read as a
/// plain tar, and the message is about a tar header ("bad tar header
/// checksum") or, for a small one, "truncated": true of the bytes, but
/// no help to a user who gave a `.tar.xz`. GNU tar and bsdtar run or
/// link the decompressor; bale reads gzip and plain tar only (its
/// parallel reading rests on gzip members), so it names the format and
/// the command that decompresses it.
///
/// Each magic is long enough that no tar archive starts with it: a tar
/// starts with its first entry's name, and every magic here holds a byte
/// no ordinary name begins with (a control character or a byte that is
/// not UTF-8), except bzip2's "BZh", which is taken only with the digit
/// of its block size and the 48-bit magic of its first block (or of its
/// end, for an empty stream) after it.
public enum ForeignCompression: Sendable, Equatable {
    case xz, zstd, bzip2, lz4, lzip, compress

    /// How many first bytes `init(magic:)` needs to judge every format.
    public static let magicLength = 10

    /// The format whose magic `head` (the input's first bytes, up to
    /// `magicLength`) starts with, or nil.
    public init?(magic head: [UInt8]) {
        func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { self = .xz }
        else if starts([0x28, 0xB5, 0x2F, 0xFD]) { self = .zstd }
        else if starts([0x04, 0x22, 0x4D, 0x18]) { self = .lz4 }
        else if starts([0x4C, 0x5A, 0x49, 0x50, 0x01]) { self = .lzip }
        else if starts([0x1F, 0x9D]) { self = .compress }
        else if head.count == 10, starts([0x42, 0x5A, 0x68]), (0x31...0x39).contains(head[3]),
                [[0x31, 0x41, 0x59, 0x26, 0x53, 0x59], [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]].contains(Array(head[4...])) {
            self = .bzip2
        } else {
            return nil
        }
    }

    /// The format's usual name, as its tool calls it.
    public var name: String {
        switch self {
        case .xz: "xz"
        case .zstd: "zstd"
        case .bzip2: "bzip2"
        case .lz4: "lz4"
        case .lzip: "lzip"
        case .compress: "compress (.Z)"
        }
    }

    /// The command that writes the decompressed bytes to standard output.
    public var decompressCommand: String {
        switch self {
        case .xz: "xz -dc"
        case .zstd: "zstd -dc"
        case .bzip2: "bzip2 -dc"
        case .lz4: "lz4 -dc"
        case .lzip: "lzip -dc"
        case .compress: "gzip -dc"
        }
    }

    /// Why an archive so compressed is refused, naming the way out (the
    /// archive's name is the message's own `path`, escaped there).
    public var refusal: String {
        "compressed with \(name), which bale does not read (only gzip and plain tar): decompress it first (\(decompressCommand))"
    }
}
