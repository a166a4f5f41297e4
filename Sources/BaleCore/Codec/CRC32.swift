import CZlib

/// CRC-32 as gzip uses it (ISO 3309), computed by zlib.
public enum CRC32 {
    /// The CRC of `bytes`, continuing from `initial` (0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing initial: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return initial }
        return UInt32(crc32_z(uLong(initial), base.assumingMemoryBound(to: Bytef.self), Int(bytes.count)))
    }

    /// The CRC of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
