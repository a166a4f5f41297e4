import Testing
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// The `bale` executable `swift build` puts beside the test bundle: the
/// worker processes of these tests are real bale workers.
let builtBale: String = {
    // The test bundle's own path (`WorkerPool.currentExecutable` is
    // /proc/self/exe itself, which names no directory).
    var buffer = [UInt8](repeating: 0, count: 4096)
    let length = buffer.withUnsafeMutableBytes { readlink("/proc/self/exe", $0.baseAddress!, $0.count - 1) }
    let runner = String(decoding: buffer.prefix(max(0, length)), as: UTF8.self)
    let directory = runner.split(separator: "/").dropLast().joined(separator: "/")
    return "/" + directory + "/bale"
}()

/// A real file holding test input, under a name no other test uses
/// (tests run in parallel); `remove()` closes and deletes it.
struct TemporaryFile {
    let path: String
    let fd: Int32

    init(_ label: String, containing bytes: [UInt8]) throws {
        path = "/tmp/bale-\(label)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        try FileIO.write(fd, bytes)
    }

    func remove() {
        close(fd)
        unlink(path)
    }
}

@Suite struct PipelineTests {
    /// The pipeline writes into worker pipes: as in bale, SIGPIPE is
    /// ignored by the process (the executable's job, so the tests' here).
    init() { _ = ignoreBrokenPipes }

    /// Compresses `data` from a real file through the whole pipeline.
    private func compress(_ data: [UInt8], jobs: Int, ioThreads: Int, chunkSize: Int) throws -> [UInt8] {
        let file = try TemporaryFile("pipeline-test", containing: data)
        defer { file.remove() }
        let (fd, path) = (file.fd, file.path)
        var options = PipelineOptions()
        options.chunkSize = chunkSize
        options.ioThreads = ioThreads
        let pool = WorkerPool(executable: builtBale, count: jobs)
        defer { pool.shutdown() }
        let sink = CollectingSink()
        let cutter = FileChunkCutter(fd: fd, size: Int64(data.count), chunkSize: chunkSize)
        let report = try Pipeline(options: options, workers: pool)
            .run(cutter: cutter, kind: .compress(Compression(level: 6)), inputName: path, sink: sink)
        #expect(report.chunks == cutter.chunkCount)
        #expect(report.bytesIn == Int64(data.count))
        return sink.bytes
    }

    @Test func outputDoesNotDependOnWorkersOrReaders() throws {
        #expect(access(builtBale, X_OK) == 0, "build bale first: \(builtBale)")
        let data = sampleText(3_000_000)
        let reference = try compress(data, jobs: 1, ioThreads: 1, chunkSize: 256 << 10)
        for (jobs, readers) in [(2, 1), (4, 3), (3, 8)] {
            #expect(try compress(data, jobs: jobs, ioThreads: readers, chunkSize: 256 << 10) == reference)
        }
        // 12 members of 256 KiB each, read back by zlib as one stream.
        var rest = reference[...]
        var members = 0
        while !rest.isEmpty {
            let sizes = Array(rest.prefix(64)).withUnsafeBytes { raw -> GzipHeader.RecordedSizes? in
                if case .header(let header) = GzipHeader.parse(raw) { return header.recordedSizes }
                return nil
            }
            let length = try #require(sizes).memberLength
            rest = rest.dropFirst(length)
            members += 1
        }
        #expect(members == 12)
    }

    @Test func decompressesInParallelWithRealWorkers() throws {
        let data = sampleText(2_000_000, seed: 5)
        let compressed = try compress(data, jobs: 2, ioThreads: 2, chunkSize: 128 << 10)
        let file = try TemporaryFile("pipeline-inflate", containing: compressed)
        defer { file.remove() }
        let (fd, path) = (file.fd, file.path)
        let pool = WorkerPool(executable: builtBale, count: 2)
        defer { pool.shutdown() }
        let sink = CollectingSink()
        let cutter = MemberChunkCutter(fd: fd, path: path, seekable: true)
        let report = try Pipeline(options: PipelineOptions(), workers: pool)
            .run(cutter: cutter, kind: .inflate(.libdeflate), inputName: path, sink: sink)
        #expect(report.chunks == 16)
        #expect(cutter.resumePoint(from: report.chunks).offset == Int64(compressed.count))
        #expect(sink.bytes == data)
    }

    /// `WorkerPool.retire`: after a command's last job, its workers are
    /// ended and the arena unmapped on a thread of their own; no job can
    /// start after it, and `shutdown` waits for the thread and says how
    /// the workers ended.
    @Test func retiredWorkersEndAndTheArenaGoes() throws {
        let data = sampleText(600_000, seed: 7)
        let compressed = try compress(data, jobs: 1, ioThreads: 1, chunkSize: 128 << 10)
        let file = try TemporaryFile("pipeline-retire", containing: compressed)
        defer { file.remove() }
        let options = PipelineOptions()
        let pool = WorkerPool(executable: builtBale, count: 2, arena: SharedArena.Layout.forJobs(options, workers: 2))
        defer { pool.shutdown() }
        let arena = try #require(pool.arena)
        let sink = CollectingSink()
        let cutter = MemberChunkCutter(fd: file.fd, path: file.path, seekable: true, arena: arena)
        _ = try Pipeline(options: options, workers: pool)
            .run(cutter: cutter, kind: .inflate(.libdeflate), inputName: file.path, sink: sink)
        #expect(sink.bytes == data)
        let pids = try pool.workers().workers.map(\.process.pid)
        pool.retire()
        #expect(throws: BaleError.self) { try pool.workers() }
        #expect(pool.shutdown().isEmpty, "both exited cleanly")
        for pid in pids { #expect(kill(pid, 0) == -1 && errno == ESRCH, "worker \(pid) reaped") }
        #expect(arena.claimSlot() == nil, "the arena is unmapped: no slot to claim")
    }

    @Test func aDamagedMemberFailsTheJobNamingTheOffset() throws {
        let data = sampleText(1_000_000, seed: 6)
        var compressed = try compress(data, jobs: 1, ioThreads: 1, chunkSize: 128 << 10)
        compressed[compressed.count - 100] ^= 0xFF   // inside the last member
        let file = try TemporaryFile("pipeline-damaged", containing: compressed)
        defer { file.remove() }
        let (fd, path) = (file.fd, file.path)
        let pool = WorkerPool(executable: builtBale, count: 2)
        defer { pool.shutdown() }
        #expect {
            try Pipeline(options: PipelineOptions(), workers: pool)
                .run(cutter: MemberChunkCutter(fd: fd, path: path, seekable: true), kind: .inflate(.libdeflate),
                     inputName: path, sink: CollectingSink())
        } throws: { error in
            guard case BaleError.corrupt(let name, let offset?, _) = error else { return false }
            return name == path && offset > 0 && offset < Int64(compressed.count)
        }
    }

    /// A worker dead before the job starts is found dead at its first
    /// chunk and replaced; the job's output is the same as with live workers.
    @Test func aDeadWorkerIsReplaced() throws {
        let data = sampleText(4_000_000, seed: 7)
        let file = try TemporaryFile("pipeline-dead", containing: data)
        defer { file.remove() }
        let (fd, path) = (file.fd, file.path)
        var options = PipelineOptions()
        options.chunkSize = 64 << 10
        func compressed(by pool: WorkerPool) throws -> [UInt8] {
            let sink = CollectingSink()
            _ = try Pipeline(options: options, workers: pool)
                .run(cutter: FileChunkCutter(fd: fd, size: Int64(data.count), chunkSize: 64 << 10),
                     kind: .compress(Compression(level: 1)), inputName: path, sink: sink)
            return sink.bytes
        }
        let healthy = WorkerPool(executable: builtBale, count: 2)
        let expected = try compressed(by: healthy)
        healthy.shutdown()

        let pool = WorkerPool(executable: builtBale, count: 2)
        let killed = try pool.workers().workers[1]
        killed.process.kill(SIGKILL)
        #expect(try compressed(by: pool) == expected)
        #expect(try !pool.workers().workers.contains { $0 === killed })
        #expect(pool.shutdown().isEmpty)
    }
}
