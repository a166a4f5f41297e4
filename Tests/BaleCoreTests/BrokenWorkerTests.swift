import Testing
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// A worker that talks nonsense: the pool runs a small shell script in
/// place of bale's worker, which answers every job with the same bytes (a
/// frame with a bad magic byte, a wrong version, an absurd length, a
/// payload cut short, an answer for the wrong chunk). bale must take each
/// for a broken worker, replace it, and when its replacement is as broken,
/// stop with a clear error: never crash, hang or allocate what the frame
/// claims.
@Suite struct BrokenWorkerTests {
    /// The pipeline writes into worker pipes: as in bale, SIGPIPE is
    /// ignored by the process (the executable's job, so the tests' here).
    init() { _ = ignoreBrokenPipes }

    /// A 32-byte frame header as `WireFrame` lays it out, with any field.
    static func header(magic: UInt8 = WireFrame.magic, version: UInt8 = WireFrame.version, kind: UInt8 = 0x81,
                       length: UInt32, sequence: UInt64 = 0) -> [UInt8] {
        var bytes = [magic, version, kind, 0]
        bytes += withUnsafeBytes(of: length.littleEndian, Array.init)
        bytes += withUnsafeBytes(of: sequence.littleEndian, Array.init)
        bytes += [UInt8](repeating: 0, count: 16)  // level, expected length, worker nanoseconds
        return bytes
    }

    static let cases: [(name: String, answer: [UInt8], reason: String)] = [
        ("bad magic", [UInt8]("this is not a frame at all, nor anything like one".utf8), "bad frame magic 0x74"),
        ("wrong version", header(version: 9, length: 0), "unsupported wire protocol version 9"),
        ("absurd length", header(length: UInt32.max), "frame payload of 4294967295 bytes is over the limit"),
        ("payload cut short", header(length: 1000) + [UInt8](repeating: 7, count: 10), "died while sending a result"),
        ("wrong chunk", header(length: 3, sequence: 99) + [1, 2, 3], "answered chunk 99 when chunk"),
        ("request kind", header(kind: 1, length: 0), "sent a broken reply: a compress frame is not a reply"),
        ("another request's answer", header(kind: 0x82, length: 0), "sent inflated in answer to a compressFileRange request"),
    ]

    @Test(arguments: cases.indices)
    func aBrokenWorkerStopsTheJobWithAClearError(index: Int) throws {
        let (name, answer, reason) = Self.cases[index]
        let answerFile = try TemporaryFile("broken-answer", containing: answer)
        defer { answerFile.remove() }
        // The payload-cut-short worker exits after its answer; the others
        // keep reading their input until bale kills them.
        let ending = name == "payload cut short" ? "exit 0" : "exec cat > /dev/null"
        // Written and closed before it runs (exec of a file open for writing fails).
        let script = "/tmp/bale-broken-worker-\(getpid())-\(index)"
        let text = Array("#!/bin/sh\ncat '\(answerFile.path)'\n\(ending)\n".utf8)
        let fd = open(script, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        try FileIO.write(fd, text)
        close(fd)
        defer { unlink(script) }

        let data = sampleText(300_000, seed: 11)
        let input = try TemporaryFile("broken-input", containing: data)
        defer { input.remove() }
        let pool = WorkerPool(executable: script, count: 1)
        defer { pool.shutdown() }
        var options = PipelineOptions()
        options.chunkSize = 64 << 10
        // One reader, so that chunk 0 is the first sent: with two racing
        // to the queue, chunk 1 could go first, and the answers stamped
        // chunk 0 ("request kind", "another request's answer") were then
        // taken for the wrong chunk before their kind was looked at (a
        // fresh-clone run failed so).
        options.ioThreads = 1
        #expect {
            try Pipeline(options: options, workers: pool)
                .run(cutter: FileChunkCutter(fd: input.fd, size: Int64(data.count), chunkSize: 64 << 10),
                     kind: .compress(Compression(level: 1)), inputName: input.path, sink: CollectingSink())
        } throws: { error in
            guard case BaleError.poisonChunk(let path, let offset, _, let how) = error else { return false }
            return path == input.path && offset == 0 && how.contains(reason)
        }
    }
}
