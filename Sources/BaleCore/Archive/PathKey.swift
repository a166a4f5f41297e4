/// A path's bytes as a set member or dictionary key, hashed as one block
/// (an array of bytes hashes byte by byte, which showed in the profiles
/// of `FileWriters` and of `TarExtractor.finish`).
struct PathKey: Hashable {
    var bytes: [UInt8]

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
