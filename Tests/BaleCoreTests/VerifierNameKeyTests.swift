import Testing
@testable import BaleCore

/// `TarVerifier.NameKey`: a name's key made alone is the key the name's
/// prefixes end with (a manifest's names and link targets are looked up by
/// the first; the entries are recorded by the second), and names that
/// differ, even by where a part ends, get different keys.
@Suite struct VerifierNameKeyTests {
    static let names: [[[UInt8]]] = [
        [Array("f".utf8)],
        [Array("d".utf8), Array("f".utf8)],
        [Array("df".utf8)],
        [Array("d".utf8), Array("e".utf8), Array("f".utf8)],
        [Array("a".utf8), Array("".utf8)],
        [[0xFF, 0x00], [0x2F]],
        (0..<200).map { [UInt8(truncatingIfNeeded: $0), 0x61] },
    ]

    @Test func aNamesKeyIsItsLastPrefixsKey() {
        for parts in Self.names {
            let prefixes = TarVerifier.NameKey.prefixes(parts)
            #expect(prefixes.count == parts.count)
            #expect(TarVerifier.NameKey(parts) == prefixes.last?.key, "\(parts.count) parts")
            // And each prefix's key is that prefix's own key.
            for (count, prefix) in prefixes.enumerated() {
                #expect(TarVerifier.NameKey(Array(parts.prefix(count + 1))) == prefix.key)
            }
        }
    }

    @Test func differentNamesGetDifferentKeys() {
        let keys = Self.names.map { TarVerifier.NameKey($0) }
        #expect(Set(keys).count == keys.count)
    }
}
