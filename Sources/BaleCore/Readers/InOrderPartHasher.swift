/// Takes the SHA-256 of large files whose parts are read on several
/// reader threads at once (`bale gzip -r --manifest`): the parts must be
/// hashed in order, so a reader waits here until the part before its own
/// is hashed (under this type's lock, not the cutter's: the reader of the
/// earlier part may need the cutter to go on).
final class InOrderPartHasher: @unchecked Sendable {  // state only under `monitor`
    private let monitor = Monitor()
    private let hashedInOrder: Monitor.Condition
    /// The hasher of each file being hashed, and the part it waits for.
    private var hashers: [Int: (hasher: SHA256, next: UInt64)] = [:]
    /// Set when the job is cancelled: a part may then never be read, so
    /// nobody waits for it.
    private var stopped = false

    init() {
        hashedInOrder = monitor.makeCondition()
    }

    /// Adds part `part` of file `index` (waiting for the parts before it);
    /// returns the file's digest when this is its last part (`isLast`),
    /// nil otherwise or once stopped.
    func hash(_ bytes: [UInt8], file index: Int, part: UInt64, isLast: Bool) -> [UInt8]? {
        monitor.withLock {
            if part == 0 { hashers[index] = (SHA256(), 0) }
            while hashers[index]?.next != part {
                if stopped { return nil }
                monitor.wait(hashedInOrder)
            }
            let hasher = hashers[index]!.hasher
            bytes.withUnsafeBytes { hasher.update($0) }
            defer { hashedInOrder.broadcast() }
            if isLast {
                hashers[index] = nil
                return hasher.finish()
            }
            hashers[index]!.next = part + 1
            return nil
        }
    }

    /// Stops every wait: the job is being cancelled.
    func stop() {
        monitor.withLock {
            stopped = true
            hashedInOrder.broadcast()
        }
    }
}
