/// One file a worker is asked to hash (`WorkRequest.digestFiles`, one
/// piece each): its path, and the size it had when it was listed, when
/// that size is a regular file's (the walk's files; `-c`'s when `stat`
/// says so).
///
/// The size lets the worker stop at the read that brings the file to it
/// (`FileHasher`), instead of reading once more for the end: a small file
/// then costs open, read and close.
///
/// A piece is the size (u64, little-endian; all ones: none) then the path.
struct DigestTarget: Equatable {
    /// What the worker opens.
    var path: [UInt8]
    /// The regular file's size when listed, or nil (a negative one is sent as none).
    var listedSize: Int64?

    /// The bytes of the size before the path.
    static let sizeLength = 8

    /// The piece carrying this target.
    var encoded: [UInt8] {
        let size = listedSize.flatMap { UInt64(exactly: $0) } ?? .max
        return withUnsafeBytes(of: size.littleEndian) { Array($0) } + path
    }

    /// The size a piece lists (nil: none), and where its path lies in
    /// `piece`; nil when the piece is too short to hold a size.
    static func decode(_ piece: UnsafeRawBufferPointer) -> (listedSize: Int64?, path: UnsafeRawBufferPointer)? {
        guard piece.count >= sizeLength else { return nil }
        let size = UInt64(littleEndian: piece.loadUnaligned(as: UInt64.self))
        return (size <= UInt64(Int64.max) ? Int64(size) : nil, UnsafeRawBufferPointer(rebasing: piece[sizeLength...]))
    }
}
