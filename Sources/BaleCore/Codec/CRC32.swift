import CZlib

/// CRC-32 as gzip uses it (ISO 3309), computed by zlib.
public enum CRC32 {
    /// The CRC of `bytes`, continuing from `initial` (0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing initial: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return initial }
        return UInt32(crc32_z(uLong(initial), base.assumingMemoryBound(to: Bytef.self), Int(bytes.count)))
    }

    /// The CRC of two pieces one after the other, from the CRC of each and
    /// the second's length (zlib's crc32_combine: O(log length), no data read).
    public static func combine(_ first: UInt32, _ second: UInt32, length: Int) -> UInt32 {
        UInt32(crc32_combine(uLong(first), uLong(second), .init(length)))
    }

    /// The CRC of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
