#if canImport(Glibc)
import Glibc
#endif

/// A small file's bytes on their way from the extractor to a writer thread
/// (`FileWriters`): pieces lent by the memory they were inflated into (an
/// arena slot, held until the file is written: `LentBytes`), or copied
/// where nothing lends them (a plain tar read into a buffer, a result that
/// came back in its reply frame, a sparse file's holes).
///
/// Lent, a file costs no copy in the extractor's thread: measured with
/// perf on the `text` corpus (`unpack` of bale's own archive), copying
/// each small file out of its slot into an array took 6% of all samples
/// (memmove) and malloc and free another 2%, on the one thread that reads
/// the whole tar stream. A file inside one member is one piece; one that
/// spans members, one piece per member.
struct FileContent: @unchecked Sendable {  // lent pieces are read-only while their owner is held, which the piece does
    enum Piece {
        case lent(UnsafeRawBufferPointer, owner: AnyObject & Sendable)
        case copied([UInt8])
    }

    private(set) var pieces: [Piece] = []
    /// Bytes in all pieces.
    private(set) var count = 0
    /// The bytes the file will have: a copied piece reserves room for the rest.
    private let expected: Int

    init(expected: Int) { self.expected = expected }

    /// Calls `body` with each owner the lent pieces hold, once (no array
    /// made: a file is one piece or a few).
    func forEachOwner(_ body: (ObjectIdentifier) -> Void) {
        for (index, piece) in pieces.enumerated() {
            guard case .lent(_, let owner) = piece else { continue }
            let seen = pieces[..<index].contains { if case .lent(_, let earlier) = $0 { earlier === owner } else { false } }
            if !seen { body(ObjectIdentifier(owner)) }
        }
    }

    /// Whether any piece is lent.
    var isLent: Bool { pieces.contains { if case .lent = $0 { true } else { false } } }

    /// Adds `bytes`: lent by `owner` (kept by holding it), or copied when
    /// `owner` is nil.
    mutating func append(_ bytes: UnsafeRawBufferPointer, lentBy owner: (AnyObject & Sendable)?) {
        guard bytes.count > 0 else { return }
        if let owner {
            count += bytes.count
            // The next bytes of the same result: the piece grows.
            if case .lent(let last, let lastOwner)? = pieces.last, lastOwner === owner,
               let end = last.baseAddress.map({ $0 + last.count }), end == bytes.baseAddress {
                pieces[pieces.count - 1] = .lent(UnsafeRawBufferPointer(start: last.baseAddress, count: last.count + bytes.count),
                                                 owner: owner)
            } else {
                pieces.append(.lent(bytes, owner: owner))
            }
            return
        }
        appendCopy(bytes.count) { $0.append(contentsOf: bytes) }
    }

    /// Adds `length` zero bytes (a hole in a sparse file).
    mutating func appendZeros(_ length: Int) {
        guard length > 0 else { return }
        appendCopy(length) { $0.append(contentsOf: repeatElement(0, count: length)) }
    }

    /// Adds `length` bytes with `add` to the last piece if it is a copy,
    /// else to a new one with room for the rest of the file.
    private mutating func appendCopy(_ length: Int, _ add: (inout [UInt8]) -> Void) {
        defer { count += length }
        if case .copied(var last)? = pieces.last {
            pieces[pieces.count - 1] = .copied([])  // so that the array grows in place, held once
            add(&last)
            pieces[pieces.count - 1] = .copied(last)
            return
        }
        var copy: [UInt8] = []
        copy.reserveCapacity(max(length, expected - count))
        add(&copy)
        pieces.append(.copied(copy))
    }

    /// Writes every piece to `fd`, in order.
    func write(to fd: Int32) throws(SystemError) {
        for piece in pieces {
            switch piece {
            case .lent(let bytes, _):
                if let base = bytes.baseAddress { try FileIO.write(fd, from: base, count: bytes.count) }
            case .copied(let bytes):
                try FileIO.write(fd, bytes)
            }
        }
    }
}
