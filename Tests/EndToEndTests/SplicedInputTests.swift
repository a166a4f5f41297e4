import Testing

/// `bale gzip FILE` never reads its input into its own memory: each chunk
/// is a range of the file, spliced by a worker's feeder into its pipe when
/// it is sent (`FileChunkCutter`, `WorkerLink`). So a file that shrinks
/// after it was cut is found by the splice, possibly long after the
/// readers are done: the job must then fail for that file ("file changed
/// as we read it", exit 1, the input kept, no output), never write the
/// zeros the frame was finished with as if they were the file.
@Suite struct SplicedInputTests {
    /// The worker stalls on chunk 0 (test hook), with chunk 1 half in its
    /// pipe and every chunk already cut; the file is cut to 6 MiB; the
    /// stalled worker is killed, and its replacement is sent chunks 0 and
    /// 1 again, spliced from the file as it now is: chunk 1 (4–8 MiB) comes
    /// up short.
    @Test func aFileThatShrinksAfterItWasCutFailsTheJob() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            set -m   # background jobs keep SIGINT's default action
            \(Fixtures.gen)
            gen 16777216 big && cp big copy
            BALE_TEST_STALL_WORKER_MID_FRAME=0 BALE_TEST_HOOK_ONCE="$PWD/stalled" \\
                "$BALE" gzip -p 1 --worker-timeout 0 -k big 2> err & pid=$!
            for i in $(seq 1 3000); do [ -e stalled ] && break; sleep 0.01; done
            [ -e stalled ] || echo "the worker never stalled"
            truncate -s 6M big
            kill -KILL $(pgrep -P $pid)
            wait $pid; echo "status=$?"
            ls
            grep -v 'took over its chunks' err
            """)
        #expect(run.stdout == """
            status=1
            big
            copy
            err
            stalled
            bale: big: file changed as we read it

            """, "\(run.stdout)\(run.stderr)")
    }
}
