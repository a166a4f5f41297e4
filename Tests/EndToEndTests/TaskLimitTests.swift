// The workers under a limit on tasks (processes and threads): a pids
// cgroup, as a container's --pids-limit sets it; `ulimit -u` for a user
// counts the same tasks.
import Testing

@Suite struct TaskLimitTests {
    /// In a pids cgroup of 16 tasks, `-p 8` started its 8 workers (or as
    /// many as fit) and then could not start the threads that feed them:
    /// "cannot start a thread", exit 1, nothing done, after a notice that
    /// said the work went on (a reading helper). Workers are now stopped
    /// again until their threads fit, and a notice says how many are
    /// kept; the output is whole, as gzip judges it.
    @Test(.enabled(if: Machine.canMakePidsCgroup, "needs root and a cgroup v1 pids hierarchy at /sys/fs/cgroup/pids"))
    func workersLeaveRoomForTheirThreads() throws {
        let run = try Scratch().run(#"""
            head -c 12000000 "$FIXTURES/mixed" > f
            g=/sys/fs/cgroup/pids/bale-test-$$
            mkdir $g && trap 'rmdir $g' EXIT
            echo 16 > $g/pids.max
            sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" gzip -p 8 -c f' inside $g "$BALE" > f.gz 2> err; echo "gzip: $?"
            gzip -dc f.gz | cmp - f && echo "whole"
            grep -c 'workers kept\|stopped again to leave room' err
            grep -c 'cannot start' err
            """#)
        #expect(run.stdout == "gzip: 0\nwhole\n1\n0\n", "\(run.stdout)\(run.stderr)")
    }
}
