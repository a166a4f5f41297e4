#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Foundation
import Testing
@testable import BaleCore

/// What `AttributeRestorer` says of attributes that cannot be set, on a
/// FIFO, which Linux gives no `user.*` attribute (EPERM for each).
@Suite struct AttributeRestorerTests {
    /// A FIFO in a fresh directory, opened `O_PATH`; `body` gets its descriptor.
    func withFIFO(_ body: (Int32) -> Void) throws {
        let directory = NSTemporaryDirectory() + "bale-restorer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/fifo"
        #expect(mkfifo(path, 0o644) == 0)
        let fd = open(path, bale_o_path() | O_NOFOLLOW | O_CLOEXEC)
        #expect(fd >= 0)
        defer { close(fd) }
        body(fd)
    }

    /// A file's refused attributes are named up to
    /// `attributesNamedPerFile`, and the rest counted in one warning: a
    /// warning each, 16,384 a file, made before the run's collector kept
    /// its first 10,000, cost `unpack` 465 MiB for 100 such files (a
    /// probe helper).
    @Test func aFilesRefusedAttributesAreNamedUpToABound() throws {
        let attributes = (0..<100).map { ExtendedAttributes.Attribute(name: Array("user.k\($0)".utf8), value: [1]) }
        try withFIFO { fd in
            let problems = AttributeRestorer(restoresACLs: false).restore(attributes, toPathDescriptor: fd, displayName: "fifo")
            #expect(problems.count == AttributeRestorer.attributesNamedPerFile + 1)
            #expect(problems.first?.cause.hasPrefix("cannot restore extended attribute user.k0: ") == true)
            #expect(problems.last?.cause == "\(100 - AttributeRestorer.attributesNamedPerFile) more extended attributes not restored")
        }
    }
}
