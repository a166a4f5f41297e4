/// Bytes that look random and are the same on every run: a xorshift
/// sequence seeded by `seed`, for tests that hash or compress data whose
/// digest an outside implementation (libcrypto) gives them to compare.
/// Every seed makes a different sequence; a seed of 0 is made odd, as
/// xorshift needs a state other than zero.
func patternBytes(_ count: Int, seed: Int) -> [UInt8] {
    var state = UInt32(truncatingIfNeeded: seed) &* 2_654_435_761 | 1
    return (0..<count).map { _ in
        state ^= state << 13; state ^= state >> 17; state ^= state << 5
        return UInt8(truncatingIfNeeded: state)
    }
}
