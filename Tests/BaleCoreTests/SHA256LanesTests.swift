import CSystem
import Testing
@testable import BaleCore

/// `bale_sha256_many` on each of its ways (SHA256Many.c): the SHA-NI pair,
/// sixteen AVX-512 lanes to the last message, and sixteen lanes handing
/// the last busy ones to the pair, give libcrypto's digest of every
/// message, whatever the lengths and however they fall into the lanes.
/// A way the CPU cannot run is skipped, with the instructions it lacks.
@Suite struct SHA256LanesTests {
    static let pair = bale_sha256_pair_available() != 0
    static let sixteen = bale_sha256_sixteen_available() != 0

    /// The messages each way is given.
    enum Messages: String, CaseIterable, CustomTestStringConvertible {
        /// Every length from 0 to 130 bytes: one and two padded blocks.
        case everyShortLength
        /// Lengths of a few bytes to 300 KB in no order: lanes run dry one
        /// by one, some while others are in their first block.
        case unevenLengths
        /// 1, 2, 3, 15, 16, 17 messages: fewer than the lanes, and one more.
        case fewerThanTheLanes

        var testDescription: String { rawValue }

        /// The batches of messages (each hashed by one call).
        var batches: [[[UInt8]]] {
            switch self {
            case .everyShortLength:
                return [(0...130).map { bytes($0, seed: $0) }]
            case .unevenLengths:
                let lengths = [300_000, 1, 64, 70_000, 55, 0, 20_000, 56, 4_096, 128, 119, 120, 65_536, 63,
                               9_999, 100_001, 3, 200_000, 5_000, 17, 33_333, 64, 1_000, 250_000, 2, 8_191]
                return [lengths.enumerated().map { bytes($0.element, seed: 1000 + $0.offset) }]
            case .fewerThanTheLanes:
                return [1, 2, 3, 15, 16, 17].map { count in
                    (0..<count).map { bytes(64 * $0 + 7 * count, seed: 7 * count + $0) }
                }
            }
        }
    }

    /// Bytes of a pattern seeded by `seed` (`patternBytes`).
    static func bytes(_ count: Int, seed: Int) -> [UInt8] { patternBytes(count, seed: seed) }

    /// Checks each batch of `messages` hashed by `bale_sha256_many_on(lanes, handover)` against libcrypto.
    private func check(_ messages: Messages, lanes: Int32, handover: Int32) {
        for batch in messages.batches {
            let copies = batch.map { message -> UnsafeMutablePointer<UInt8> in
                let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(message.count, 1))
                copy.initialize(from: message, count: message.count)
                return copy
            }
            defer { copies.forEach { $0.deallocate() } }
            let pointers: [UnsafePointer<UInt8>?] = copies.map { UnsafePointer($0) }
            var digests = [UInt8](repeating: 0, count: 32 * batch.count)
            bale_sha256_many_on(lanes, handover, pointers, batch.map(\.count), Int32(batch.count), &digests)
            for (position, message) in batch.enumerated() {
                #expect(Array(digests[(32 * position)..<(32 * position + 32)]) == SHA256.hash(message),
                        "length \(message.count), \(lanes) lanes, handover at \(handover)")
            }
        }
    }

    @Test(.enabled(if: pair, "needs a CPU with the SHA instructions"), arguments: Messages.allCases)
    func thePairIsLibcryptos(messages: Messages) {
        check(messages, lanes: 2, handover: 0)
    }

    @Test(.enabled(if: sixteen, "needs a CPU with AVX-512 (F and BW)"), arguments: Messages.allCases)
    func sixteenLanesAreLibcryptos(messages: Messages) {
        check(messages, lanes: 16, handover: 0)
    }

    @Test(.enabled(if: sixteen && pair, "needs a CPU with AVX-512 and the SHA instructions"),
          arguments: Messages.allCases, [1, 8, 15] as [Int32])
    func sixteenLanesHandingOverToThePairAreLibcryptos(messages: Messages, handover: Int32) {
        check(messages, lanes: 16, handover: handover)
    }

    @Test func theLanesChosenCanRunHere() {
        // What `bale_sha256_many` picks after timing both: 16 only where
        // AVX-512 runs, 2 only where the SHA instructions do.
        switch bale_sha256_many_lanes() {
        case 16: #expect(Self.sixteen)
        case 2: #expect(Self.pair)
        default: #expect(!Self.pair && !Self.sixteen)
        }
    }
}
