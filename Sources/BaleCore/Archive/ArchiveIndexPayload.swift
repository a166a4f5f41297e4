#if canImport(Glibc)
import Glibc
#endif

/// An archive index's payload as its blob holds it (`ArchiveIndexLayout`):
/// deflated, with the length and CRC-32 the blob's header records. It is
/// never inflated whole: each walk of it (`ArchiveIndexDecoder.Records`,
/// the tables after them) reads it through a `Window`, a buffer that the
/// deflate data is inflated into as the walk goes on and that holds the
/// bytes not yet read, so a walk keeps a window's worth of the payload
/// whatever its length.
///
/// Why: the payload was inflated into one array before it was read, as
/// long as its header said (up to 1 GiB, and 1032 times its compressed
/// bytes): a forged index of a megabyte made `list`, `verify`, `cat` and a
/// named `unpack` hold a gigabyte before its first record was found wrong,
/// and an index whose records held together (names as long as their
/// headers, in a stream its members claim) held it for the whole run
/// (`HostileMemoryTests`). Read in windows, it costs what the walk keeps
/// of it: the entries' places, and the entries a command asked for.
///
/// A class: its compressed bytes are copied once and shared, unchanged,
/// by every window read from it, on any thread.
public final class ArchiveIndexPayload: @unchecked Sendable {
    /// The payload's length and CRC-32, as the blob's header records them.
    public let length: Int
    let crc: UInt32
    /// How many entries the header says the payload begins with.
    public let entryCount: UInt64
    /// The deflate data (the blob after its header).
    private let compressed: UnsafeMutableRawBufferPointer

    /// The payload of the blob `bytes` (the index members' pieces joined),
    /// its header checked: the magic, the method, the compressed length
    /// against the bytes there are, the payload's length against a cap and
    /// deflate's best ratio. Nothing is inflated yet.
    public init(blob bytes: UnsafeRawBufferPointer) throws(ArchiveIndexDecoder.Failure) {
        typealias Failure = ArchiveIndexDecoder.Failure
        let header = ArchiveIndexLayout.headerLength
        guard bytes.count >= header, bytes[0..<4].elementsEqual(ArchiveIndexLayout.magic) else {
            throw Failure("the index does not begin as an index of this layout version")
        }
        guard bytes[4] == ArchiveIndexLayout.deflateMethod else { throw Failure("the index's compression method is unknown") }
        let length = ArchiveIndexLayout.loadFixed(bytes, at: 8, bytes: 8)
        let compressed = ArchiveIndexLayout.loadFixed(bytes, at: 16, bytes: 8)
        guard compressed == UInt64(bytes.count - header) else {
            throw Failure("the index records \(compressed) compressed bytes, and holds \(bytes.count - header)")
        }
        guard length <= ArchiveIndexLayout.maximumPayloadLength,
              length <= (compressed + 1) * ArchiveIndexLayout.maximumDeflateRatio else {
            throw Failure("the index records \(length) bytes, more than its \(compressed) compressed bytes can hold")
        }
        self.length = Int(length)
        crc = UInt32(ArchiveIndexLayout.loadFixed(bytes, at: 24, bytes: 4))
        entryCount = ArchiveIndexLayout.loadFixed(bytes, at: 28, bytes: 8)
        self.compressed = .allocate(byteCount: max(1, bytes.count - header), alignment: 1)
        self.compressed.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[header...]))
    }

    deinit { compressed.deallocate() }

    /// Why the payload cannot be read, when its deflate data is damaged,
    /// holds more or fewer bytes than recorded, or fails its CRC-32; nil
    /// when it is whole. Inflates it all, a window at a time: asked after a
    /// walk failed, so that damage is named as damage, not as the first
    /// record it spoiled.
    public func damage() -> ArchiveIndexDecoder.Failure? {
        do throws(ArchiveIndexDecoder.Failure) {
            let window = try Window(self)
            try window.skip(length)
            return nil
        } catch {
            return error
        }
    }

    /// A walk's view of the payload, from its first byte: the bytes
    /// inflated and not yet passed, in a buffer that moves them to its
    /// front and fills the rest as the walk asks for more (`refill`).
    /// Reaching the payload's end checks it: the deflate data ends there,
    /// with no input left over, and the CRC-32 matches.
    final class Window {
        private let payload: ArchiveIndexPayload
        private let stream: RawDeflateStream
        private let buffer: UnsafeMutableRawBufferPointer
        /// The bytes held: `buffer[0..<held]`, payload bytes from
        /// `produced - held` on.
        private var held = 0
        /// The payload bytes inflated so far.
        private var produced = 0
        private var crc: UInt32 = 0
        /// False for a payload that passed its checks, read again: no CRC-32.
        private let checksummed: Bool

        /// A window's buffer.
        static let capacity = 256 << 10

        /// The bytes held, for the walk to read.
        var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[..<held]) }

        init(_ payload: ArchiveIndexPayload, checksummed: Bool = true) throws(ArchiveIndexDecoder.Failure) {
            self.payload = payload
            self.checksummed = checksummed
            stream = RawDeflateStream(UnsafeRawBufferPointer(payload.compressed))
            buffer = .allocate(byteCount: min(Self.capacity, max(payload.length, 1)), alignment: 1)
            try fill(atLeast: min(payload.length, buffer.count))
        }

        deinit { buffer.deallocate() }

        /// Drops the first `passed` bytes held and inflates until at least
        /// `count` are held, or the payload ends; `count` is at most the
        /// window's size (a longer string is copied out a window at a
        /// time, `ArchiveIndexDecoder.Cursor.copy`).
        func refill(passing passed: Int, atLeast count: Int) throws(ArchiveIndexDecoder.Failure) {
            precondition(passed <= held && count <= buffer.count)
            if passed > 0 && passed < held {
                memmove(buffer.baseAddress!, buffer.baseAddress! + passed, held - passed)
            }
            held -= passed
            try fill(atLeast: count)
        }

        /// Passes the next `count` payload bytes (held or not yet
        /// inflated), holding none of them.
        func skip(_ count: Int) throws(ArchiveIndexDecoder.Failure) {
            var left = count
            while left > 0 {
                let passed = min(left, held)
                left -= passed
                try refill(passing: passed, atLeast: min(left, buffer.count))
                if left > 0 && held == 0 { throw ArchiveIndexDecoder.Failure("the index ends before its recorded length") }
            }
        }

        private func fill(atLeast count: Int) throws(ArchiveIndexDecoder.Failure) {
            while held < count && produced < payload.length {
                let room = min(buffer.count - held, payload.length - produced)
                let made: Int
                do {
                    made = try stream.inflate(into: UnsafeMutableRawBufferPointer(rebasing: buffer[held..<held + room]))
                } catch {
                    throw ArchiveIndexDecoder.Failure("the index's compressed data is damaged (\(error))")
                }
                if checksummed {
                    crc = CRC32.checksum(UnsafeRawBufferPointer(rebasing: buffer[held..<held + made]), continuing: crc)
                }
                held += made
                produced += made
                if made == 0 {
                    throw ArchiveIndexDecoder.Failure(
                        "the index's compressed data is damaged (it inflates to fewer bytes than its header records)")
                }
                if produced == payload.length { try checkEnd() }
            }
            if payload.length == 0 && produced == 0 { try checkEnd() }
        }

        /// At the payload's recorded end: nothing more inflates, no input is
        /// left, and the CRC-32 is the header's.
        private func checkEnd() throws(ArchiveIndexDecoder.Failure) {
            var spare: UInt8 = 0
            do {
                while !stream.ended {
                    guard try withUnsafeMutableBytes(of: &spare, { (byte) throws(CodecError) in
                        try stream.inflate(into: byte)
                    }) == 0 else {
                        throw ArchiveIndexDecoder.Failure(
                            "the index's compressed data is damaged (it inflates to more bytes than its header records)")
                    }
                }
            } catch let error as ArchiveIndexDecoder.Failure {
                throw error
            } catch {
                throw ArchiveIndexDecoder.Failure("the index's compressed data is damaged (\(error))")
            }
            guard stream.inputLeft == 0 else {
                throw ArchiveIndexDecoder.Failure(
                    "the index's compressed data is damaged (bytes follow its deflate data)")
            }
            guard crc == payload.crc || !checksummed else { throw ArchiveIndexDecoder.Failure("the index's CRC-32 does not match its content") }
        }
    }
}
