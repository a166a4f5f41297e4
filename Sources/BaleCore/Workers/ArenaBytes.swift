/// A result a worker wrote into a slot's output part: the slot, which
/// stays claimed while this value lives, and how many bytes it holds
/// (checked against the slot's bounds when the reply was decoded).
public struct ArenaBytes: Sendable {
    /// The slot holding the bytes.
    public let slot: ArenaSlot
    /// How many bytes, from the start of its output part.
    public let count: Int

    /// The bytes named by a reply, or nil when `count` goes past the slot.
    init?(slot: ArenaSlot, count: Int) {
        guard count >= 0, count <= slot.output.count else { return nil }
        self.slot = slot
        self.count = count
    }

    /// Calls `body` with the bytes.
    public func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try body(UnsafeRawBufferPointer(rebasing: slot.output[0..<count]))
    }
}
