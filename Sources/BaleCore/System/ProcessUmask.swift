#if canImport(Glibc)
import Glibc
#endif

/// The process's file-creation mask, read once at first use.
///
/// umask can only be read by setting it, and setting it is process-wide:
/// reading it again while other threads create files would give their
/// files the wrong mode for that instant. bale never changes it, so one
/// reading serves every place that creates files.
enum ProcessUmask {
    static let bits: mode_t = {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }()
}
