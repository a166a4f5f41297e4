/// A path's bytes as a set member or dictionary key, hashed as one block
/// (an array of bytes hashes byte by byte, which showed in the profiles
/// of `FileWriters` and of `TarExtractor.finish`), and once: a file's key
/// is asked about in several sets (`FileWriters.submit`, `waitFor`), and
/// each time a whole path was hashed again.
struct PathKey: Hashable {
    let bytes: [UInt8]
    /// The bytes' hash, computed when the key is made.
    private let hashOfBytes: Int

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        hashOfBytes = hasher.finalize()
    }

    static func == (left: PathKey, right: PathKey) -> Bool {
        left.hashOfBytes == right.hashOfBytes && left.bytes == right.bytes
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(hashOfBytes)
    }
}
