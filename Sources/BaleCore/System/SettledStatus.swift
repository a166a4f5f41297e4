#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Synchronization

/// What `fstat` says of an open file once no write that began before it
/// is still under way: the status a change while the file is read is
/// judged against (`sum`'s `HashedFileStamp`, `pack`'s `OpenedSource`,
/// `gzip`'s inputs).
///
/// The kernel stamps a file's change time as a write begins, not as it
/// ends. A write under way as the file is opened has stamped it already,
/// so its time is in the status taken then, and its bytes land while the
/// file is read, ahead of the reader and behind it: what is read is half
/// old and half new, a state the file never held, and the check after the
/// read sees no change (a probe helper rewrote 3 MiB files in place in a
/// loop: `sum` printed 24 such digests in 100 runs, exit 0; `gzip FILE`
/// would compress such a read and remove the input). A write holds the
/// file's inode lock until its last byte is in, so for a file changed
/// recently the lock is taken and given back (`lseek` to its first data,
/// which takes it shared on ext4, btrfs and tmpfs; other file systems may
/// take no lock there, and are as before), which waits for that write,
/// and the file is asked again, until its change time holds across the
/// wait. An older file costs nothing more; a recent one, three or four
/// calls. Only on those file systems (told by `fstatfs`): elsewhere the
/// `lseek` may wait for nothing, and on NFS 4.2 it is a round trip to the
/// server for every file (a tree just written by a batch job, then
/// `gzip -r`).
enum SettledStatus {
    /// How recent a change time is to be settled: a write under way as a
    /// file is opened began no earlier than this (a write of gigabytes
    /// held back by a slow disk takes seconds).
    static let recentSeconds = 60

    /// `info`, the `fstat` of the file open on `fd`, or, for a file changed
    /// in the last `recentSeconds`, its `fstat` once the writes under way
    /// as it was taken are whole (asked at most four times: a file written
    /// without a pause is left to the check after its read, which sees its
    /// next write). The file's read position is kept.
    static func of(_ fd: Int32, as info: stat) -> stat {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        guard info.st_mode & S_IFMT == S_IFREG, info.st_ctim.tv_sec >= now.tv_sec - recentSeconds,
              locks(fd, device: info.st_dev) else { return info }
        let position = lseek(fd, 0, SEEK_CUR)
        var moved = false
        var last = info
        for _ in 0..<4 {
            moved = lseek(fd, 0, seekData) != position || moved
            var again = stat()
            guard fstat(fd, &again) == 0 else { break }
            let held = again.st_ctim.tv_sec == last.st_ctim.tv_sec && again.st_ctim.tv_nsec == last.st_ctim.tv_nsec
            last = again
            if held { break }
        }
        if moved && position >= 0 { _ = lseek(fd, position, SEEK_SET) }
        return last
    }

    /// Whether the file system of `device`, the one `fd` is on, takes the
    /// lock (`lockingFileSystems`): asked of `fstatfs` once a device, for a
    /// tree just written has every file recent (a call less for each).
    private static func locks(_ fd: Int32, device: dev_t) -> Bool {
        if let known = lockingDevices.withLock({ $0[device] }) { return known }
        let locks = lockingFileSystems.contains(bale_filesystem_type(fd))
        lockingDevices.withLock { $0[device] = locks }
        return locks
    }
    private static let lockingDevices = Mutex<[dev_t: Bool]>([:])

    /// The file systems whose `lseek(SEEK_DATA)` takes the inode lock a
    /// buffered write holds (`statfs`'s f_type): ext2/3/4, btrfs, tmpfs.
    private static let lockingFileSystems: Set<Int> = [0xEF53, 0x9123683E, 0x01021994]

    /// lseek's SEEK_DATA (Glibc shows it to Swift only under _GNU_SOURCE).
    private static let seekData: Int32 = 3
}
