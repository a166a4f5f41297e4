import CCrypto
import CSystem

/// SHA-256 (FIPS 180-4) from the system's libcrypto, fed in pieces.
///
/// One hasher is meant to be reused for many files (`finish` leaves it
/// ready for the next): with 100,000 small files, making a context and
/// looking the algorithm up for each one cost as much CPU as hashing
/// their bytes. The algorithm is fetched once per process for the same
/// reason: OpenSSL 3's implicit fetch (`EVP_sha256()` at every init)
/// takes a lock and searches its provider tables.
public final class SHA256 {
    /// OpenSSL's SHA-256, fetched once; immutable and thread-safe once fetched.
    nonisolated(unsafe) private static let algorithm: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)

    private let context: OpaquePointer

    public init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, Self.algorithm, nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to what is hashed.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// Adds `bytes`, a range of a file mapping, with the SIGBUS that a
    /// page past the file's end raises caught (`bale_guarded_consume`):
    /// false when the file was truncated under it. What was added is then
    /// unknown: `restart` before hashing anything else.
    public func update(mapped bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        return bale_guarded_consume(bale_digest_update, UnsafeMutableRawPointer(context), base, bytes.count) == 0
    }

    /// Drops everything added: the hasher starts again empty.
    public func restart() {
        EVP_DigestInit_ex(context, Self.algorithm, nil)
    }

    /// A digest held in place, 32 bytes (as an array, 32 more and an
    /// allocation): what `verify --manifest` keeps of each file.
    public struct Digest: Hashable, Sendable {
        private var words: (UInt64, UInt64, UInt64, UInt64)

        /// The digest whose bytes are `bytes` (32 of them).
        public init<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
            precondition(bytes.count == 32)
            var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &words) { $0.copyBytes(from: bytes) }
            self.words = words
        }

        public static func == (a: Digest, b: Digest) -> Bool { a.words == b.words }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
            hasher.combine(words.3)
        }
    }

    /// The digest of everything added; the hasher starts again empty.
    public func finish() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            finish(into: buffer.baseAddress!)
            count = 32
        }
    }

    /// Writes the digest of everything added (32 bytes) at `digest`,
    /// without allocating; the hasher starts again empty.
    public func finish(into digest: UnsafeMutablePointer<UInt8>) {
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, digest, &length)
        EVP_DigestInit_ex(context, Self.algorithm, nil)
    }

    /// The digest of `bytes` alone (the hasher must be empty).
    public func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { update($0) }
        return finish()
    }

    /// The digest of `bytes` alone, with a hasher of its own.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        SHA256().hash(bytes)
    }

    /// Writes `digest` in lower-case hexadecimal, as sha256sum prints it,
    /// at `at` (two bytes per digest byte, from a table of all 256 pairs:
    /// this runs for every line of a manifest of millions of files).
    public static func writeHex(_ digest: UnsafeBufferPointer<UInt8>, to at: UnsafeMutablePointer<UInt8>) {
        hexPairs.withUnsafeBufferPointer { pairs in
            for (position, byte) in digest.enumerated() {
                at[2 * position] = pairs[2 * Int(byte)]
                at[2 * position + 1] = pairs[2 * Int(byte) + 1]
            }
        }
    }

    /// Lower-case hexadecimal, as sha256sum prints a digest.
    public static func hex(_ digest: [UInt8]) -> String {
        let text = [UInt8](unsafeUninitializedCapacity: 2 * digest.count) { buffer, count in
            digest.withUnsafeBufferPointer { writeHex($0, to: buffer.baseAddress!) }
            count = 2 * digest.count
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Every byte's two lower-case hexadecimal digits.
    private static let hexPairs: [UInt8] = (0..<256).flatMap { byte in
        let digits = Array("0123456789abcdef".utf8)
        return [digits[byte >> 4], digits[byte & 15]]
    }
}
