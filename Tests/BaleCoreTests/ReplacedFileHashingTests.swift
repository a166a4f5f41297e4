import Foundation
import Testing
@testable import BaleCore

/// A file `bale sum` listed as a regular file may be replaced before a
/// worker opens it. Something else under its name (a FIFO, whose open
/// would wait for a writer for ever; a device, which reads as anything) is
/// "changed as we read it", never waited on nor hashed. The old code
/// opened a FIFO and waited until its worker was taken for hung, twice,
/// and the batch failed naming no file; it hashed a device as if it were
/// the file. The tests use /dev/null (a FIFO would hang the old code
/// rather than fail it; `HostileTreeTests` has pack's FIFO, behind a
/// timeout). A pipe or device named on the command line (listed without
/// a size) is still read, as sha256sum reads it.
@Suite struct ReplacedFileHashingTests {
    private static let emptyDigest: [UInt8] = [
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
        0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
    ]

    private func digest(_ path: String, listedSize: Int64?) -> WorkReply.FileDigest {
        Array(path.utf8).withUnsafeBytes { FileHasher().digest(ofFileAt: $0, listedSize: listedSize) }
    }

    @Test func aFileListedRegularThatIsNotIsChangedNotRead() {
        #expect(digest("/dev/null", listedSize: 5) == .changedWhileRead)
        #expect(digest("/dev/null", listedSize: 0) == .changedWhileRead)
        #expect(digest("/dev/null", listedSize: nil) == .digest(Self.emptyDigest))
    }

    @Test func aBatchSaysWhichOfItsFilesIsNotRegular() throws {
        let directory = NSTemporaryDirectory() + "bale-replaced-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let empty = directory + "/empty"
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let paths = [empty, "/dev/null", empty].map { Array($0.utf8) }
        var outcomes: [Int: WorkReply.FileDigest] = [:]
        paths[0].withUnsafeBytes { first in
            paths[1].withUnsafeBytes { second in
                paths[2].withUnsafeBytes { third in
                    FileBatchHasher().digests(of: [(0, 0, first), (5, 0, second), (0, 0, third)]) { outcomes[$0] = $1 }
                }
            }
        }
        #expect(outcomes == [0: .digest(Self.emptyDigest), 1: .changedWhileRead, 2: .digest(Self.emptyDigest)])
    }
}
