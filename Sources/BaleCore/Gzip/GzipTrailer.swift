/// A gzip member's 8-byte trailer (RFC 1952): the CRC-32 of the member's
/// data and its length modulo 2^32 (ISIZE), both little-endian, as the
/// member records them. Whoever inflated the member checks them against
/// what it produced (`TrailerCheckingSink` for ISA-L's members).
public struct GzipTrailer: Equatable, Sendable {
    /// The recorded CRC-32 of the data.
    public var crc: UInt32
    /// The recorded length of the data, modulo 2^32.
    public var length: UInt32

    public init(crc: UInt32, length: UInt32) {
        self.crc = crc
        self.length = length
    }

    /// The trailer in `bytes` (exactly `GzipMember.trailerLength` of them).
    public init<Bytes: Collection<UInt8>>(parsing bytes: Bytes) {
        precondition(bytes.count == GzipMember.trailerLength, "a gzip trailer is 8 bytes")
        let little = { (field: Bytes.SubSequence) in field.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        crc = little(bytes.prefix(4))
        length = little(bytes.suffix(4))
    }
}
