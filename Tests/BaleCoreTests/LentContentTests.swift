#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
@testable import BaleCore

/// How many `ScribbledBuffer`s are alive.
private final class LiveCount: Sendable {
    let value = Mutex(0)
}

/// Bytes lent to a sink, as an arena slot lends a worker's result: when
/// the last holder lets go they are scribbled over (0xEE), as a slot
/// reused for the next result would be. (Never freed, so that reading
/// them late shows the scribble, not whatever else took the memory.)
private final class ScribbledBuffer: @unchecked Sendable {  // the bytes are written only in init and deinit
    let bytes: UnsafeRawBufferPointer
    let live: LiveCount

    init(_ content: ArraySlice<UInt8>, live: LiveCount) {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, content.count), alignment: 16)
        memory.copyBytes(from: content)
        bytes = UnsafeRawBufferPointer(rebasing: memory[0..<content.count])
        self.live = live
        live.value.withLock { $0 += 1 }
    }

    deinit {
        UnsafeMutableRawBufferPointer(mutating: bytes).initializeMemory(as: UInt8.self, repeating: 0xEE)
        live.value.withLock { $0 -= 1 }
    }
}

/// The extractor keeps a small file's bytes lent (`LentBytes`,
/// `FileContent`): written by the writer threads from the memory they
/// were inflated into, which must stay held, unchanged, until then.
@Suite struct LentContentTests {
    /// Files of 0–20,000 bytes each, as a tar stream, with the offsets
    /// where each file's content lies.
    private func archive(files count: Int, seed: UInt64) -> (stream: [UInt8], files: [(name: String, content: [UInt8], at: Int)]) {
        var random = seed
        func next() -> UInt64 {
            random = random &* 6364136223846793005 &+ 1442695040888963407
            return random >> 33
        }
        var stream: [UInt8] = []
        var files: [(name: String, content: [UInt8], at: Int)] = []
        for index in 0..<count {
            let content = (0..<Int(next() % 20_000)).map { _ in UInt8(truncatingIfNeeded: next()) }
            var entry = TarEntry(name: Array("f\(index)".utf8), kind: .file, mode: 0o644,
                                 userID: 0, groupID: 0, modificationSeconds: 1_700_000_000)
            entry.size = Int64(content.count)
            stream += TarHeader.encode(entry)
            files.append(("f\(index)", content, stream.count))
            stream += content + [UInt8](repeating: 0, count: TarHeader.padding(content.count))
        }
        return (stream + TarHeader.endOfArchive, files)
    }

    /// Extracts `stream` fed in pieces cut at `cuts`, each piece lent by a
    /// buffer of its own that the feeder lets go after the write; calls
    /// `afterWrite` with the end of each piece. Returns the directory.
    private func extract(_ stream: [UInt8], cutAt cuts: [Int], live: LiveCount,
                         afterWrite: (Int) -> Void) throws -> String {
        var template = Array("/tmp/bale-lent-XXXXXX".utf8CString)
        let base = String(cString: try #require(mkdtemp(&template)))
        let root = open(base, O_RDONLY | O_DIRECTORY)
        defer { close(root) }
        let sink = TarStreamSink(archiveName: "lent.tar", handler: TarExtractor(root: root))
        // The feeder's own hold ends with this function's call.
        func lend(_ piece: ArraySlice<UInt8>) throws {
            let buffer = ScribbledBuffer(piece, live: live)
            try sink.write(lent: LentBytes(buffer.bytes, heldBy: buffer))
        }
        var start = 0
        for end in cuts + [stream.count] where end > start {
            try lend(stream[start..<end])
            start = end
            afterWrite(end)
        }
        try sink.finish(archiveName: "lent.tar")
        #expect(sink.finishProblems().isEmpty)
        return base
    }

    private func contents(of path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got <= 0 { return all }
            all += buffer[0..<got]
        }
    }

    /// Every file is whole, though each piece's memory is scribbled over
    /// once nothing holds it; and files cut between two pieces hold the
    /// first after its write (it was lent, not copied; only while the
    /// files queued hold few lenders, so not every time).
    @Test(arguments: [4096, 65536, 1 << 20])
    func lentFilesAreWrittenFromMemoryHeldUntilThen(piece: Int) throws {
        let (stream, files) = archive(files: 300, seed: UInt64(piece))
        let live = LiveCount()
        var heldAcrossCuts = 0
        var cutsInsideFiles = 0
        let cuts = Array(stride(from: piece, to: stream.count, by: piece))
        let base = try extract(stream, cutAt: cuts, live: live) { end in
            // A cut inside a file's content: the piece before it is held
            // by the file being gathered.
            if files.contains(where: { end > $0.at && end < $0.at + $0.content.count }) {
                cutsInsideFiles += 1
                if live.value.withLock({ $0 }) > 0 { heldAcrossCuts += 1 }
            }
        }
        defer { _ = system("rm -rf '\(base)'") }
        #expect(cutsInsideFiles > 0)
        #expect(heldAcrossCuts > 0, "the bytes before every cut were copied, not lent")
        for file in files {
            let whole = contents(of: "\(base)/\(file.name)") == file.content
            #expect(whole, "\(file.name) is not what the archive holds")
        }
        #expect(live.value.withLock { $0 } == 0, "every buffer let go once the files are written")
    }

    /// A file per piece, each lent by its own buffer: the files queued
    /// for the writers hold no more lenders than `FileWriters` allows
    /// (and the file being gathered its own); the rest are copied, and
    /// every file is still whole.
    @Test func theLendersHeldAreBounded() throws {
        let (stream, files) = archive(files: 200, seed: 7)
        let live = LiveCount()
        var most = 0
        let cuts = files.map(\.at) + files.map { $0.at + $0.content.count }
        let base = try extract(stream, cutAt: cuts.sorted(), live: live) { _ in
            most = max(most, live.value.withLock { $0 })
        }
        defer { _ = system("rm -rf '\(base)'") }
        #expect(most >= 1, "no file was lent")
        #expect(most <= FileWriters.maximumLendersHeld + 1, "\(most) buffers held at once")
        for file in files {
            let whole = contents(of: "\(base)/\(file.name)") == file.content
            #expect(whole, "\(file.name) is not what the archive holds")
        }
    }
}
