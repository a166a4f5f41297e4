#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import CSystem

/// What a gzip file holds, as `gzip -l` prints it: its compressed and
/// uncompressed bytes, the data's CRC-32 and its first header's length.
///
/// GNU gzip 1.12 inflates the whole file for `-l` (as `gzip -t`) and
/// prints the last member's trailer: its CRC-32 and its length modulo 4
/// GiB, the truth for a file of one member under 4 GiB, the last member's
/// alone for a file of several (0 for a bale file: its end member). bale
/// inflates the whole file too (`GzipStreamDecoder`, one pass, as `gunzip
/// -t` reads it, every member's CRC-32 and length checked, a bale stream's
/// end member against what came before it) and counts what comes out: the
/// figures are exact whatever the members, and a file that is damaged or
/// cut short gets `gunzip -t`'s error rather than figures. bale's end
/// members could give the figures without inflating, but they vouch for
/// nothing: a damaged member, or a forged record, would be listed as whole.
public struct GzipSummary: Equatable, Sendable {
    /// The file's bytes.
    public var compressedBytes: Int64
    /// Its uncompressed bytes.
    public var uncompressedBytes: Int64
    /// The CRC-32 of the data.
    public var crc: UInt32
    /// The first member's header and a trailer's 8 bytes: what gzip takes
    /// off the file's size in its ratio.
    public var headerBytes: Int64
    /// What followed the last member: nothing, zero bytes, or bytes that
    /// are not gzip (ignored, as gunzip ignores them, with its warning).
    public var ending: GzipStreamDecoder.Ending
    /// The name and time its first header stores (what `gunzip -N` would
    /// restore, and `gzip -lN` lists); nil when the header holds no whole
    /// one in its first `GzipStoredName.headerBytesRead` bytes. Read from
    /// a pipe too, where gzip lists them as from a file.
    public var storedName: GzipStoredName?

    /// Why a file has no summary.
    public enum Failure: Error {
        /// Not gzip at all, or too short to be: what to say.
        case notGzip(String)
        case readFailed(SystemError)
        /// Inflating it failed (damaged, cut short): gunzip's error.
        case inflateFailed(BaleError)
    }

    /// The first header's length, once its scan has seen all the bytes
    /// there were or the header's end.
    static func headerLength(_ scanned: GzipHeaderScan.Outcome) throws(Failure) -> Int {
        switch scanned {
        case .complete(let length): return length
        case .invalid(let reason): throw .notGzip(reason)
        case .needsMore: throw .notGzip("unexpected end of file")
        }
    }

    /// The summary of the gzip file of `size` bytes open on `fd`, whose
    /// stream begins at byte `start`, where `fd`'s offset stands (0 for a
    /// file opened by name; standard input may stand further on), named
    /// `path` in messages; `zlibOnly` inflates with zlib, the reference
    /// (`--codec zlib`). The compressed size is what lies from `start` to
    /// the end, as gzip counts it.
    public static func read(fd: Int32, size: Int64, from start: Int64 = 0, path: String,
                            zlibOnly: Bool = false) throws(Failure) -> GzipSummary {
        let remaining = max(0, size - start)
        // The first header, for its length (gzip's ratio takes it off),
        // scanned in growing pieces: a name or a comment may be long.
        let scanned: GzipHeaderScan.Outcome
        do throws(SystemError) { scanned = try GzipHeaderScan.scanning(fd, from: start, to: start + remaining) } catch {
            throw .readFailed(error)
        }
        let headerLength = try Self.headerLength(scanned)
        let storedName = GzipStoredName.read(fd: fd, at: start)
        let counter = CountingSink()
        let ending: GzipStreamDecoder.Ending
        do { ending = try GzipStreamDecoder.decode(fd: fd, path: path, zlibOnly: zlibOnly, sink: counter) } catch {
            throw .inflateFailed(error)
        }
        let (bytes, crc) = counter.figures
        return GzipSummary(compressedBytes: remaining, uncompressedBytes: bytes, crc: crc,
                           headerBytes: Int64(headerLength) + 8, ending: ending, storedName: storedName)
    }
}

extension GzipSummary {
    /// The summary of the gzip stream on `fd`, an input that can be read
    /// only once (a pipe: `curl ... | gzip -l`, which GNU gzip lists too).
    /// Its bytes pass through a thread of their own (`bale-count`), which
    /// counts them and keeps the first header's, into a pipe the decoder
    /// reads as it reads any stream: nothing is held but the header, so a
    /// stream of any length is listed in bounded memory. After a stream
    /// whose members end before its input does (trailing garbage), the
    /// rest is still counted, as gzip counts it; after a failure nothing
    /// more is read (`/dev/zero` is refused, not read forever).
    public static func read(stream fd: Int32, path: String, zlibOnly: Bool = false) throws(Failure) -> GzipSummary {
        var ends: [Int32] = [-1, -1]
        guard bale_pipe_cloexec(&ends) == 0 else { throw .readFailed(.current("pipe")) }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        let relay = StreamRelay(input: fd, output: writeEnd)
        let thread = JoinableThread(name: "bale-count") { relay.run() }
        let counter = CountingSink()
        let decoded: Result<GzipStreamDecoder.Ending, BaleError>
        do { decoded = .success(try GzipStreamDecoder.decode(fd: readEnd, path: path, zlibOnly: zlibOnly, sink: counter)) } catch {
            decoded = .failure(error)
        }
        // Closed either way: the relay's next write fails (EPIPE), and it
        // counts the rest only after a stream that ended well.
        relay.decoderEnded(well: (try? decoded.get()) != nil)
        FileIO.close(readEnd)
        thread.join()
        let (header, head, total, readError) = relay.outcome
        if let readError { throw .readFailed(readError) }
        let headerLength = try Self.headerLength(header)
        let ending: GzipStreamDecoder.Ending
        switch decoded {
        case .success(let ended): ending = ended
        case .failure(let error): throw .inflateFailed(error)
        }
        let (bytes, crc) = counter.figures
        return GzipSummary(compressedBytes: total, uncompressedBytes: bytes, crc: crc,
                           headerBytes: Int64(headerLength) + 8, ending: ending,
                           storedName: head.withUnsafeBytes { GzipStoredName.read(from: $0) })
    }
}

/// The thread between a one-time input and the decoder's pipe (see
/// `GzipSummary.read(stream:)`): reads, counts, scans the first header
/// for its length, writes on. Its state under one lock.
private final class StreamRelay: Sendable {
    private struct State {
        /// What the first header's scan found, given at the end.
        var header = GzipHeaderScan.Outcome.needsMore
        /// The stream's first bytes, up to `GzipStoredName.headerBytesRead`:
        /// the stored name and time are read from them at the end.
        var head: [UInt8] = []
        var total: Int64 = 0
        var readError: SystemError?
        /// Set once the decoder has stopped (before it closes its end):
        /// whether to count the rest.
        var countsTheRest: Bool?
    }

    private let input: Int32
    private let output: Int32
    private let state = Mutex(State())

    init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    func run() {
        let size = 1 << 16
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer {
            buffer.deallocate()
            FileIO.close(output)
        }
        // The first header, scanned here and its outcome handed over at
        // the end, a piece at a time; of it, only its first 64 KiB are kept.
        var scan = GzipHeaderScan()
        defer { state.withLock { $0.header = scan.outcome } }
        var writing = true
        while true {
            let got: Int
            do { got = try FileIO.read(input, into: buffer.baseAddress!, count: size) } catch {
                state.withLock { $0.readError = error }
                return
            }
            if got == 0 { return }
            let piece = UnsafeRawBufferPointer(rebasing: buffer[..<got])
            state.withLock {
                $0.total += Int64(got)
                let room = GzipStoredName.headerBytesRead - $0.head.count
                if room > 0 { $0.head += piece.prefix(room) }
            }
            if scan.outcome == .needsMore { _ = scan.scan(piece) }
            guard writing else { continue }
            do { try FileIO.write(output, from: piece.baseAddress!, count: got) } catch {
                // The decoder stopped reading and closed its end, which it
                // does only after saying whether to count the rest.
                writing = false
                if state.withLock({ $0.countsTheRest }) != true { return }
            }
        }
    }

    /// The decoder has stopped (`well`: its stream ended whole).
    func decoderEnded(well: Bool) {
        state.withLock { $0.countsTheRest = well }
    }

    var outcome: (header: GzipHeaderScan.Outcome, head: [UInt8], total: Int64, readError: SystemError?) {
        state.withLock { ($0.header, $0.head, $0.total, $0.readError) }
    }
}

/// Counts the bytes written to it and takes their CRC-32.
private final class CountingSink: OutputSink, Sendable {
    private let state = Mutex<(bytes: Int64, crc: UInt32)>((0, 0))

    func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        state.withLock { $0 = ($0.bytes + Int64(bytes.count), CRC32.checksum(bytes, continuing: $0.crc)) }
    }

    var figures: (Int64, UInt32) { state.withLock { ($0.bytes, $0.crc) } }
}
