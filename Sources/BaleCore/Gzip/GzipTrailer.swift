/// A gzip member's 8-byte trailer (RFC 1952): the CRC-32 of the member's
/// data and its length modulo 2^32 (ISIZE), both little-endian, as the
/// member records them. Whoever inflated the member checks them against
/// what it produced (`TrailerCheckingSink` for ISA-L's members).
public struct GzipTrailer: Equatable, Sendable {
    /// The recorded CRC-32 of the data.
    public var crc: UInt32
    /// The recorded length of the data, modulo 2^32.
    public var length: UInt32

    /// A trailer field that disagrees with the data inflated: the damage
    /// is somewhere in the member's data, at no place the field can tell.
    public enum Field: Sendable, Equatable {
        /// The CRC-32.
        case dataCheck
        /// The length (ISIZE).
        case lengthCheck

        /// zlib's words for the field that fails, which bale's messages
        /// use whichever inflater found it.
        public var zlibWords: String {
            switch self {
            case .dataCheck: return "incorrect data check"
            case .lengthCheck: return "incorrect length check"
            }
        }

        /// The field zlib's message `words` names, if it names one: zlib
        /// tells a failed trailer only in its message text.
        init?(zlibWords words: String) {
            switch words {
            case Field.dataCheck.zlibWords: self = .dataCheck
            case Field.lengthCheck.zlibWords: self = .lengthCheck
            default: return nil
            }
        }
    }

    /// The trailer in `bytes` (exactly `GzipMember.trailerLength` of them).
    init(parsing bytes: [UInt8]) {
        precondition(bytes.count == GzipMember.trailerLength, "a gzip trailer is 8 bytes")
        (crc, length) = bytes.withUnsafeBytes {
            (GzipMember.loadLittleEndian32($0, at: 0), GzipMember.loadLittleEndian32($0, at: 4))
        }
    }
}
