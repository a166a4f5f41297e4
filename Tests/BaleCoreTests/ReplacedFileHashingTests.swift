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
        #expect(digest("/dev/null", listedSize: nil) == .digest(Self.emptyDigest, bytes: 0))
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
                    FileBatchHasher().digests(of: [(0, 0, first, false, nil), (5, 0, second, false, nil), (0, 0, third, false, nil)]) { outcomes[$0] = $1 }
                }
            }
        }
        #expect(outcomes == [0: .digest(Self.emptyDigest, bytes: 0), 1: .changedWhileRead, 2: .digest(Self.emptyDigest, bytes: 0)])
    }
}

/// A batch of files listed without their sizes (`DigestTarget.sizeAtOpen`):
/// the worker sizes each at its open, hashes the small ones, and hands
/// back a file larger than a batch (with its size) and, once it took
/// `FileBatchHasher.takenAtMost` bytes, the rest unopened (sized by
/// `fstatat`, to be batched by size across the workers). A
/// large file alone in its batch goes back too: sent again with its size,
/// it is given the time its size needs (`WorkRequest.timeLimit`), where
/// hashed unsized it had the 4 MiB file's.
@Suite struct HandBackTests {
    @Test func largeFilesAndThoseAfterTheFillGoBack() throws {
        let directory = NSTemporaryDirectory() + "bale-handback-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let batch = Int(SumCommand.batchBytes)
        // small, large, then files of a batch each until the fill, then one more.
        let sizes = [10, batch + 1, 7] + Array(repeating: batch, count: 4) + [3]
        var paths: [[UInt8]] = []
        for (index, size) in sizes.enumerated() {
            let path = directory + "/f\(index)"
            #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: UInt8(index), count: size)))
            paths.append(Array(path.utf8))
        }
        var outcomes: [Int: WorkReply.FileDigest] = [:]
        let pieces = paths.map { DigestTarget(path: $0, listedSize: nil, sizeAtOpen: true).encoded }
        let table = PieceTable(pieces)
        table.payload.withUnsafeBytes { payload in
            let targets = table.ranges.map { DigestTarget.decode(UnsafeRawBufferPointer(rebasing: payload[$0]))! }
            #expect(targets.allSatisfy { $0.sizeAtOpen && $0.listedSize == nil })
            FileBatchHasher().digests(of: targets) { outcomes[$0] = $1 }
        }
        for (index, size) in sizes.enumerated() {
            let digest = WorkReply.FileDigest.digest(SHA256().hash([UInt8](repeating: UInt8(index), count: size)), bytes: Int64(size))
            switch index {
            case 1: #expect(outcomes[index] == .handedBack(size: Int64(batch + 1)))
            case 7: #expect(outcomes[index] == .handedBack(size: 3), "past the fill: \(4 * batch + 17) bytes taken")
            default: #expect(outcomes[index] == digest, "file \(index)")
            }
        }
        // Alone in its batch, a large file goes back; a small one is hashed.
        var alone: WorkReply.FileDigest?
        let piece = DigestTarget(path: paths[1], listedSize: nil, sizeAtOpen: true).encoded
        piece.withUnsafeBytes { bytes in
            FileBatchHasher().digests(of: [DigestTarget.decode(bytes)!]) { alone = $1 }
        }
        #expect(alone == .handedBack(size: Int64(batch + 1)))
        let small = DigestTarget(path: paths[0], listedSize: nil, sizeAtOpen: true).encoded
        small.withUnsafeBytes { bytes in
            FileBatchHasher().digests(of: [DigestTarget.decode(bytes)!]) { alone = $1 }
        }
        #expect(alone == .digest(SHA256().hash([UInt8](repeating: 0, count: 10)), bytes: 10))
        let request = WorkRequest.digestFiles(files: PieceTable([piece]))
        #expect(!request.readsStream && request.timeLimit(seconds: 5) == 5, "a file sized at its open is no stream")
        let many = WorkRequest.digestFiles(files: PieceTable(Array(repeating: piece, count: 256)))
        #expect(many.timeLimit(seconds: 10) == 10, "256 files sized at their open read 20 MiB at most")
    }

    /// A file listed as regular (not stat'ed) and replaced by a symbolic
    /// link before its worker opens it: the link is not followed (links
    /// inside trees never are), the file "changed as we read it".
    @Test func aLinkPutInAFilesPlaceIsNotFollowed() throws {
        let directory = NSTemporaryDirectory() + "bale-handback-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(FileManager.default.createFile(atPath: directory + "/target", contents: Data([1, 2, 3])))
        #expect(symlink("target", directory + "/link") == 0)
        var outcomes: [Int: WorkReply.FileDigest] = [:]
        let pieces = ["/target", "/link"].map { DigestTarget(path: Array((directory + $0).utf8), listedSize: nil, sizeAtOpen: true).encoded }
        let table = PieceTable(pieces)
        table.payload.withUnsafeBytes { payload in
            let targets = table.ranges.map { DigestTarget.decode(UnsafeRawBufferPointer(rebasing: payload[$0]))! }
            FileBatchHasher().digests(of: targets) { outcomes[$0] = $1 }
        }
        #expect(outcomes == [0: .digest(SHA256().hash([1, 2, 3]), bytes: 3), 1: .changedWhileRead])
    }
}

/// A directory of the tree replaced by a symbolic link to another one
/// between the walk and the hash (`mv d/sub d/sub.old; ln -s ../other
/// d/sub`): each file the walk listed in `d/sub` carries that directory's
/// identity (`DigestTarget.directory`), and its worker opens it only
/// there. Through the link, the worker hashed `other/x` and `bale sum`
/// printed its digest as `d/sub/x`'s, exit 0. Now each such file "changed
/// as we read it", whichever way it is hashed: in a batch of small files
/// (sized at their open, or listed with their sizes), two large files
/// side by side, or a large one alone. A path given (no identity) still
/// follows its links, as sha256sum does.
@Suite struct ReplacedDirectoryHashingTests {
    private let batch = Int(SumCommand.batchBytes)

    /// Makes `d/sub` holding `names` (of `sizes` bytes), `other` holding
    /// the same names with other bytes; returns the root and `d/sub`'s identity.
    private func tree(_ files: [(String, Int)]) throws -> (String, FileIdentity) {
        let root = NSTemporaryDirectory() + "bale-replaced-dir-" + UUID().uuidString
        for directory in ["/d/sub", "/other"] {
            try FileManager.default.createDirectory(atPath: root + directory, withIntermediateDirectories: true)
        }
        for (name, size) in files {
            #expect(FileManager.default.createFile(atPath: root + "/d/sub/" + name, contents: Data(repeating: 1, count: size)))
            #expect(FileManager.default.createFile(atPath: root + "/other/" + name, contents: Data(repeating: 2, count: size)))
        }
        var info = stat()
        #expect(stat(root + "/d/sub", &info) == 0)
        return (root, FileIdentity(info))
    }

    /// Replaces `d/sub` by a link to `other`, as the race would.
    private func replace(in root: String) {
        #expect(rename(root + "/d/sub", root + "/d/sub.old") == 0)
        #expect(symlink("../other", root + "/d/sub") == 0)
    }

    private func outcomes(_ targets: [DigestTarget]) -> [Int: WorkReply.FileDigest] {
        var outcomes: [Int: WorkReply.FileDigest] = [:]
        let table = PieceTable(targets.map(\.encoded))
        table.payload.withUnsafeBytes { payload in
            let decoded = table.ranges.map { DigestTarget.decode(UnsafeRawBufferPointer(rebasing: payload[$0]))! }
            FileBatchHasher().digests(of: decoded) { outcomes[$0] = $1 }
        }
        return outcomes
    }

    private func path(_ root: String, _ name: String) -> [UInt8] { Array((root + "/d/sub/" + name).utf8) }

    @Test func smallFilesInABatchAreNotLookedForThroughTheLink() throws {
        let (root, identity) = try tree([("x", 20), ("y", 30)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let unsized = ["x", "y"].map { DigestTarget(path: path(root, $0), listedSize: nil, sizeAtOpen: true, directory: identity) }
        let sized = [("x", 20), ("y", 30)].map { DigestTarget(path: path(root, $0.0), listedSize: Int64($0.1), directory: identity) }
        let mine = WorkReply.FileDigest.digest(SHA256().hash([UInt8](repeating: 1, count: 20)), bytes: 20)
        #expect(outcomes(unsized)[0] == mine, "before the swap: the tree's own file")
        replace(in: root)
        #expect(outcomes(unsized) == [0: .changedWhileRead, 1: .changedWhileRead])
        #expect(outcomes(sized) == [0: .changedWhileRead, 1: .changedWhileRead])
        let given = DigestTarget(path: path(root, "x"), listedSize: 20)
        #expect(outcomes([given, given])[0] == .digest(SHA256().hash([UInt8](repeating: 2, count: 20)), bytes: 20),
                "a path given is opened as given, links and all")
    }

    @Test func largeFilesAloneOrPairedAreNotLookedForThroughTheLink() throws {
        let (root, identity) = try tree([("big1", batch + 1), ("big2", batch + 2)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let pair = [("big1", batch + 1), ("big2", batch + 2)].map {
            DigestTarget(path: path(root, $0.0), listedSize: Int64($0.1), directory: identity)
        }
        let first = WorkReply.FileDigest.digest(SHA256().hash([UInt8](repeating: 1, count: batch + 1)), bytes: Int64(batch + 1))
        #expect(outcomes(pair)[0] == first, "before the swap: the tree's own file")
        replace(in: root)
        #expect(outcomes(pair) == [0: .changedWhileRead, 1: .changedWhileRead])
        #expect(outcomes([pair[0]]) == [0: .changedWhileRead])
    }

    @Test func aDirectoryGoneSaysWhatItsPathSays() throws {
        let (root, identity) = try tree([("x", 20)])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(rename(root + "/d/sub", root + "/d/sub.old") == 0)
        let target = DigestTarget(path: path(root, "x"), listedSize: nil, sizeAtOpen: true, directory: identity)
        #expect(outcomes([target, target]) == [0: .unreadable(errno: ENOENT), 1: .unreadable(errno: ENOENT)])
    }
}
