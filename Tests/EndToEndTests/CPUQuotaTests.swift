// The default number of workers under a cgroup's CPU quota.
import Testing

@Suite struct CPUQuotaTests {
    /// A cgroup whose quota is one CPU, or half of one (as a container run
    /// with `--cpus 1` or `--cpus 0.5` gets it), and a child cgroup with
    /// no quota of its own under it: bale's default is one worker in
    /// each. It counted its affinity only, and started one worker per CPU
    /// of the machine to share the time of one. Outside, one per CPU of
    /// its affinity, as `nproc` counts them.
    @Test(.enabled(if: Machine.canMakeCPUQuotaCgroup,
                   "needs root, more than one CPU and a cgroup v1 cpu hierarchy at /sys/fs/cgroup/cpu"))
    func aCPUQuotaBoundsTheDefaultWorkers() throws {
        let run = try Scratch().run(#"""
            seq 1 100000 > f
            g=/sys/fs/cgroup/cpu/bale-test-$$
            mkdir $g $g/inner && trap 'rmdir $g/inner $g' EXIT
            workers() { python3 -c 'import json; print(len(json.load(open("j"))["stages"]["workers_busy_seconds"]))'; }
            inside() { sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' inside "$@"; }
            echo 100000 > $g/cpu.cfs_period_us
            echo 100000 > $g/cpu.cfs_quota_us
            inside $g "$BALE" gzip -c --json-file j f > /dev/null; echo "quota 1: $(workers)"
            echo 50000 > $g/cpu.cfs_quota_us
            inside $g "$BALE" gzip -c --json-file j f > /dev/null; echo "quota 0.5: $(workers)"
            inside $g/inner "$BALE" gzip -c --json-file j f > /dev/null; echo "under it: $(workers)"
            "$BALE" gzip -c --json-file j f > /dev/null; [ "$(workers)" = "$(nproc)" ] && echo "no quota: as nproc"
            """#)
        #expect(run.stdout == "quota 1: 1\nquota 0.5: 1\nunder it: 1\nno quota: as nproc\n", "\(run.stdout)\(run.stderr)")
    }
}
