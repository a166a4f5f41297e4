/// Bytes lent to a sink rather than given: they stay where they are,
/// unchanged, for as long as `owner` is held, so a sink that keeps some of
/// them past its `write` may hold the owner instead of copying them.
///
/// The lender is the shared arena: a worker's result sits in an arena slot
/// (`ArenaBytes`), and the slot is not reused while anything holds it
/// (`ArenaSlot`). The extractor hands a small file's lent bytes on to the
/// writer threads with their owner (`FileContent`): the file is written
/// from the slot the worker inflated it into, never copied into an array
/// in between.
public struct LentBytes: @unchecked Sendable {  // the bytes are read-only while `owner` lives, whoever holds it
    /// The bytes.
    public let bytes: UnsafeRawBufferPointer
    /// What keeps them valid, while held.
    public let owner: AnyObject & Sendable

    public init(_ bytes: UnsafeRawBufferPointer, heldBy owner: AnyObject & Sendable) {
        self.bytes = bytes
        self.owner = owner
    }

    /// Whether `piece` lies within these bytes (and so may be kept by
    /// holding `owner`).
    public func contains(_ piece: UnsafeRawBufferPointer) -> Bool {
        guard let start = bytes.baseAddress, let pieceStart = piece.baseAddress else { return false }
        return pieceStart >= start && pieceStart + piece.count <= start + bytes.count
    }
}
