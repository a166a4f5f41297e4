/// A gzip member's 8-byte trailer (RFC 1952): the CRC-32 of the member's
/// data and its length modulo 2^32 (ISIZE), both little-endian, as the
/// member records them. Whoever inflated the member checks them against
/// what it produced (`TrailerCheckingSink` for ISA-L's members).
public struct GzipTrailer: Equatable, Sendable {
    /// The recorded CRC-32 of the data.
    public var crc: UInt32
    /// The recorded length of the data, modulo 2^32.
    public var length: UInt32

    /// The trailer in `bytes` (exactly `GzipMember.trailerLength` of them).
    init(parsing bytes: [UInt8]) {
        precondition(bytes.count == GzipMember.trailerLength, "a gzip trailer is 8 bytes")
        (crc, length) = bytes.withUnsafeBytes {
            (GzipMember.loadLittleEndian32($0, at: 0), GzipMember.loadLittleEndian32($0, at: 4))
        }
    }
}
