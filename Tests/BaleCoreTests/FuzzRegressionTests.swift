import Testing
@testable import BaleCore

/// Inputs that the fuzz targets (Fuzz/, `make fuzz`) showed to crash bale,
/// each fed to the code it crashed, which must now refuse it or read it.
@Suite struct FuzzRegressionTests {
    /// Feeds `bytes` to a new `TarReader` whole; returns its error, if any.
    private func readTar(_ bytes: [UInt8]) -> BaleError? {
        var reader = TarReader(archiveName: "fuzz.tar")
        var handler = RecordingHandler()
        do throws(BaleError) {
            try typedThrows(BaleError.self) { try bytes.withUnsafeBytes { raw in try reader.feed(raw, to: &handler) } }
            return nil
        } catch {
            return error
        }
    }

    /// A pax header ('x') holding `body`, padded to whole blocks.
    private func paxHeader(_ body: [UInt8]) -> [UInt8] {
        let header = TarHeader.ustar(
            prefix: [], name: Array("././@PaxHeader".utf8), mode: 0o644, userID: 0, groupID: 0,
            size: Int64(body.count), modificationSeconds: 0, typeFlag: UInt8(ascii: "x"),
            linkName: [], userName: [], groupName: [], major: 0, minor: 0)
        return header + body + [UInt8](repeating: 0, count: TarHeader.padding(body.count))
    }

    /// FuzzTar: a pax record whose length is Int.max, after a first record,
    /// overflowed `index + length` in `parsePax` and trapped.
    @Test func paxRecordLengthNearIntMaxIsRefused() {
        let body = Array("6 a=b\n\(Int.max) k=v\n".utf8)
        let entry = TarEntry(name: Array("f".utf8), kind: .file, mode: 0o644,
                             userID: 0, groupID: 0, modificationSeconds: 0)
        let archive = paxHeader(body) + TarHeader.encode(entry) + TarHeader.endOfArchive
        let error = readTar(archive)
        #expect(error?.description.contains("bad pax record") == true)
    }
}
