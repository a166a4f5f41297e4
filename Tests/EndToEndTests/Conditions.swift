import Foundation
import Testing

/// What this machine lets the tests do, found out before a test runs, for
/// Swift Testing's conditions: a test that cannot run its check here is
/// skipped, and the test report says so with the reason (`.enabled(if:)`),
/// rather than passing without having checked anything.
enum Machine {
    /// Running as root (owners can be given away, tmpfs mounted, another
    /// user impersonated with setpriv).
    static let isRoot = geteuid() == 0

    /// Whether `tool` is on the PATH.
    static func has(_ tool: String) -> Bool {
        (try? sh("command -v \(tool) > /dev/null", in: "/").status) == 0
    }

    /// Whether a cgroup with a CPU quota can be made here: root, a cgroup
    /// v1 `cpu` hierarchy at /sys/fs/cgroup/cpu that takes a new group,
    /// and more than one CPU (so that a quota of one changes the count).
    static let canMakeCPUQuotaCgroup: Bool = {
        guard isRoot, ProcessInfo.processInfo.activeProcessorCount > 1 else { return false }
        return (try? sh("g=/sys/fs/cgroup/cpu/bale-probe-$$ && mkdir $g && [ -w $g/cpu.cfs_quota_us ] && rmdir $g",
                        in: "/").status) == 0
    }()

    /// Whether a cgroup v1 pids hierarchy takes a cgroup with a task
    /// limit here (root): tried once.
    static let canMakePidsCgroup: Bool = {
        guard isRoot else { return false }
        return (try? sh("g=/sys/fs/cgroup/pids/bale-probe-$$ && mkdir $g && [ -w $g/pids.max ] && rmdir $g",
                        in: "/").status) == 0
    }()

    /// Whether a tmpfs can be mounted here (root, and a kernel or
    /// container that allows it): tried once on a scratch directory.
    static let canMountTmpfs: Bool = {
        guard isRoot else { return false }
        let scratch = Scratch()
        let run = try? scratch.run("mkdir m && mount -t tmpfs -o size=1m bale-probe m && umount m")
        return run?.status == 0
    }()

    /// Whether a directory here can be made append-only (`chattr +a`:
    /// root, and a file system with the attribute, as ext4): tried once.
    static let canMakeAppendOnlyDirectory: Bool = {
        guard isRoot else { return false }
        let scratch = Scratch()
        let run = try? scratch.run("mkdir a && chattr +a a && chattr -a a")
        return run?.status == 0
    }()

    /// Whether /proc/version can be read and says it is empty (st_size 0),
    /// as on Linux: a file whose size is known only once it is read.
    static let hasPseudoFiles: Bool = {
        (try? sh("[ -r /proc/version ] && [ \"$(stat -c %s /proc/version)\" = 0 ] && [ -s /proc/version -o -n \"$(head -c1 /proc/version)\" ]", in: "/").status) == 0
    }()

    /// Whether a private mount namespace without /proc can be made here
    /// (root, and unshare allowed).
    static let canHideProc: Bool = {
        guard isRoot else { return false }
        return (try? sh("unshare -m sh -c 'mount --make-rprivate / && umount -l /proc && [ ! -e /proc/self ]'", in: "/").status) == 0
    }()

    /// The FUSE file system whose closes or reads fail (Tests/tools), as a
    /// command for bash: Debian's python3 with its python3-fusepy.
    static let failingFS: String = {
        let tools = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return "/usr/bin/python3 '\(tools.appendingPathComponent("tools/failing-fs.py").path)'"
    }()

    /// Whether `failingFS` can be mounted here (root, /dev/fuse, and
    /// python3-fusepy, which `make test` installs): tried once.
    static let canMountFailingFS: Bool = {
        guard isRoot else { return false }
        let run = try? Scratch().run("""
            mkdir root mnt && { \(failingFS) root mnt never > log 2>&1 & }
            for i in $(seq 1 100); do mountpoint -q mnt && break; sleep 0.05; done
            mountpoint -q mnt && umount mnt
            """)
        return run?.status == 0
    }()

    /// Whether strace can trace bale here (installed, and ptrace allowed).
    static let canTrace: Bool = {
        (try? sh("strace -f -qq -e trace=none -o /dev/null true", in: "/").status) == 0
    }()
}
