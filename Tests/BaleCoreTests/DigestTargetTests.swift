import Testing
@testable import BaleCore

/// `DigestTarget`: the piece of a `digestFiles` request naming one file to
/// hash, with the size it was listed with; what the parent encodes, the
/// worker reads back the same, and a piece too short for its size is
/// refused.
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

    @Test func noSizeComesBackAsNone() {
        for size in [nil, Int64(-1)] {
            let back = decoded(DigestTarget(path: Array("-".utf8), listedSize: size).encoded)
            #expect(back != nil && back?.listedSize == nil && back?.path == Array("-".utf8))
        }
    }

    @Test func aPieceShorterThanItsSizeIsRefused() {
        #expect(decoded([1, 2, 3, 4, 5, 6, 7]) == nil)
    }
}
