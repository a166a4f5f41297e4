import Testing
@testable import BaleCore

/// `DigestTarget`: the piece of a `digestFiles` request naming one file to
/// hash, with the size it was listed with and the offset to start at; what
/// the parent encodes, the worker reads back the same, and a piece too
/// short for its numbers is refused.
@Suite struct DigestTargetTests {
    private func decoded(_ piece: [UInt8]) -> (listedSize: Int64?, path: [UInt8])? {
        piece.withUnsafeBytes { bytes in DigestTarget.decode(bytes).map { ($0.listedSize, Array($0.path)) } }
    }

    @Test func aPathAndItsSizeComeBackAsSent() {
        for (path, size) in [(Array("dir/b\nc".utf8), Int64(0)), ([0xFF, 0xFE], 4_194_305), ([], Int64.max)] {
            let back = decoded(DigestTarget(path: path, listedSize: size).encoded)
            #expect(back?.listedSize == size && back?.path == path)
        }
    }

    @Test func theOffsetToStartAtComesBackAsSent() {
        for start in [Int64(0), 5, Int64.max] {
            let piece = DigestTarget(path: Array("/proc/1/fd/0".utf8), listedSize: nil, startOffset: start).encoded
            let back = piece.withUnsafeBytes { DigestTarget.decode($0).map { ($0.startOffset, Array($0.path)) } }
            #expect(back?.0 == start && back?.1 == Array("/proc/1/fd/0".utf8))
        }
    }

    @Test func noSizeComesBackAsNone() {
        for size in [nil, Int64(-1)] {
            let back = decoded(DigestTarget(path: Array("-".utf8), listedSize: size).encoded)
            #expect(back != nil && back?.listedSize == nil && back?.path == Array("-".utf8))
        }
    }

    @Test func aPieceShorterThanItsNumbersIsRefused() {
        #expect(decoded([1, 2, 3, 4, 5, 6, 7]) == nil)
        #expect(decoded(Array(repeating: 0, count: 15)) == nil)
    }
}
