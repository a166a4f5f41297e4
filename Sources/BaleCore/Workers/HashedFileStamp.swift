#if canImport(Glibc)
import Glibc
#endif

/// What a file being hashed looked like as its hashing began (`bale
/// sum`), to tell at its end whether what was hashed is a state the file
/// was ever in whole.
///
/// A file is read to its end, as sha256sum reads it; a file rewritten,
/// or truncated and written again, while it is read gives a digest of
/// half its old bytes and half its new: a line that matches no state of
/// the file, said with exit 0 (a reading helper truncated a 404 MB file
/// 0.3 s into `bale sum` and got one). Its change time moves with any
/// write, truncation or change of its mode or links, as GNU tar judges a
/// file read ("file changed as we read it"); its size falling below the
/// bytes hashed shows a truncation behind the read. Either makes the file
/// `changedWhileRead`, with no digest. A file that only grew before its
/// end was read still changed its time, and is said changed too, as
/// GNU tar says it.
///
/// Taken for every regular file, by the `fstat` its open makes anyway
/// (`DigestTarget.open`), and judged by one more once it is read: a file
/// read whole by one read() is torn by a write as well (ext4 takes no lock
/// between a read and a write: 1 MiB files rewritten in a loop while
/// `sum` ran came out torn in 17 runs of 60, sha256sum's in 14; a
/// reading helper). A change of its mode, links or attributes moves the
/// change time too, and is said as a change, as GNU tar says it: bale
/// cannot tell it from a write.
///
/// A write already under way as the stamp is taken is not seen by the
/// change times alone: the kernel stamps a file as a write begins, so the
/// stamp holds that write's time, and its bytes land while the file is
/// read, past the end check (a probe helper rewrote 3 MiB files in place
/// in a loop: 24 of 100 runs printed a digest of 2 MiB of the new bytes
/// and 1 MiB of the old, exit 0). So the stamp is taken once such a
/// write is whole (`SettledStatus`).
struct HashedFileStamp: Equatable {
    var changeSeconds: Int
    var changeNanoseconds: Int

    /// The stamp of the file open on `fd`, settled; nil when it cannot be
    /// asked (nothing is then judged).
    init?(_ fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        self.init(SettledStatus.of(fd, as: info))
    }

    init(_ info: stat) {
        changeSeconds = info.st_ctim.tv_sec
        changeNanoseconds = info.st_ctim.tv_nsec
    }

    /// True when the file open on `fd`, `hashed` bytes of it read to its
    /// end, is as it was when this stamp was taken and holds those bytes
    /// still; false when it changed meanwhile (or cannot be asked). A size
    /// below the bytes hashed is a truncation, but on /proc and its kin
    /// (`FileSystemKind.pseudo`), whose files say they are empty and hold what
    /// a read makes: there `bale sum /proc/version` said "file changed as
    /// we read it", exit 1, where sha256sum gives its digest (a probe
    /// helper). Asked only of a file that looks truncated.
    func stillHolds(_ fd: Int32, hashed: Int64) -> Bool {
        var info = stat()
        guard fstat(fd, &info) == 0, HashedFileStamp(info) == self else { return false }
        return Int64(info.st_size) >= hashed || FileSystemKind.of(fd) == .pseudo
    }
}
