#if canImport(Glibc)
import Glibc
#endif

/// Pauses a test sets through the environment, to hold open a window in
/// which a race between two bale runs was found, so that the test meets
/// it every time instead of one run in ten. Read once; unset, nothing.
enum TestPause {
    /// `BALE_TEST_REMOVAL_PAUSE_MS=N`: an input's removal that waits on
    /// its output (`InputRemoval.remove`) pauses N ms between opening the
    /// output and locking it.
    static let beforeOutputLockMilliseconds: UInt32 =
        getenv("BALE_TEST_REMOVAL_PAUSE_MS").flatMap { UInt32(String(cString: $0)) } ?? 0

    /// Waits `beforeOutputLockMilliseconds`.
    static func beforeOutputLock() {
        if beforeOutputLockMilliseconds > 0 { usleep(beforeOutputLockMilliseconds * 1000) }
    }
}
