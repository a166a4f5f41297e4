import CSystem

/// Whether a limit on tasks (processes and threads) may stop bale's
/// threads from starting: `ulimit -u` (RLIMIT_NPROC, which the kernel
/// does not hold root to), or a pids cgroup's `pids.max` on the
/// process's cgroup or an ancestor (a container's `--pids-limit`). Read
/// once. Where one may, `WorkerPool` checks that the threads its
/// workers need can start before it lets the job run.
enum TaskLimit {
    static let mayBite: Bool = bale_task_limit_may_bite() != 0
}
