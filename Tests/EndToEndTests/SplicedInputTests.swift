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
    /// up short. One reader thread: with two, the thread holding chunk 1
    /// could queue it before chunk 0, and on a loaded machine chunks 1 to 3
    /// were compressed whole before chunk 0 came and stalled; only chunk 0,
    /// whose bytes the cut leaves as they were, was sent again, and the
    /// job rightly ended whole, exit 0 (once in a fresh-clone CI).
    @Test func aFileThatShrinksAfterItWasCutFailsTheJob() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            set -m   # background jobs keep SIGINT's default action
            \(Fixtures.gen)
            gen 16777216 big && cp big copy
            BALE_TEST_STALL_WORKER_MID_FRAME=0 BALE_TEST_HOOK_ONCE="$PWD/stalled" \\
                "$BALE" gzip -p 1 --io-threads 1 --worker-timeout 0 -k big 2> err & pid=$!
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

    /// A file system that cannot splice (EINVAL) has each range read and
    /// written into the pipe instead (`FrameChannel.copy`). No file system
    /// on a test machine refuses, so `BALE_TEST_NO_SPLICE` sends every range
    /// that way: `gzip` of a file of several chunks, `gunzip` of bale's
    /// own file (its members are ranges too), and a chunk sent again to a
    /// killed worker's replacement all give the same bytes as spliced.
    @Test func rangesAreCopiedWhereSpliceIsRefused() throws {
        let run = try Scratch().run("""
            \(Fixtures.gen)
            gen 14000000 big && head -c 5000001 /dev/urandom >> big
            "$BALE" gzip -c big > spliced.gz
            BALE_TEST_NO_SPLICE=1 "$BALE" gzip -c big > copied.gz
            cmp spliced.gz copied.gz && echo "gzip: the same"
            BALE_TEST_NO_SPLICE=1 "$BALE" gunzip -c copied.gz | cmp - big && echo "gunzip: the same"
            BALE_TEST_NO_SPLICE=1 BALE_TEST_KILL_WORKER_AT_CHUNK=2 BALE_TEST_HOOK_ONCE="$PWD/once" \\
                "$BALE" gzip -q -c big | cmp - spliced.gz && echo "resent: the same"
            """)
        #expect(run.stdout == "gzip: the same\ngunzip: the same\nresent: the same\n", "\(run.stdout)\(run.stderr)")
    }
}
