#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex with condition variables: the blocking primitive under
/// the bounded queue and the reorder window.
///
/// `Synchronization.Mutex` has no condition variable, and the pipeline's
/// stages must sleep (not spin) while a queue is full or empty.
///
/// A type that uses one keeps the fields it guards in one private `State`
/// struct (or says which fields at its declaration: `// state only under
/// `monitor``) and touches them only inside `withLock`; that convention is
/// what its `@unchecked Sendable` rests on. Where no condition variable is
/// needed, a `Mutex<State>` (Synchronization) owns its state instead, and
/// the compiler checks it.
///
/// `@unchecked Sendable`: the pthread mutex is allocated once, never
/// moves, and pthread calls are safe from any thread.
public final class Monitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    /// A condition that threads wait on while holding this monitor.
    /// `@unchecked Sendable`: as the monitor's mutex, allocated once and
    /// used only through pthread calls.
    public final class Condition: @unchecked Sendable {
        fileprivate let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        fileprivate init() { pthread_cond_init(cond, nil) }
        deinit {
            pthread_cond_destroy(cond)
            cond.deallocate()
        }
        /// Wakes one waiting thread.
        public func signal() { pthread_cond_signal(cond) }
        /// Wakes every waiting thread.
        public func broadcast() { pthread_cond_broadcast(cond) }
    }

    public init() {
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Makes a condition bound to this monitor.
    public func makeCondition() -> Condition { Condition() }

    /// Runs `body` with the mutex held.
    @inline(__always)
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Releases the mutex, sleeps until `condition` is signalled, retakes it.
    /// Only call inside `withLock`; always re-check the predicate after.
    public func wait(_ condition: Condition) {
        pthread_cond_wait(condition.cond, mutex)
    }

    /// Waits for `condition`, or at most `seconds` (the realtime clock,
    /// as pthread_cond_timedwait measures it).
    public func wait(_ condition: Condition, seconds: Double) {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        let nanoseconds = Int(deadline.tv_nsec) + Int(seconds * 1e9)
        deadline.tv_sec += nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        pthread_cond_timedwait(condition.cond, mutex, &deadline)
    }
}
