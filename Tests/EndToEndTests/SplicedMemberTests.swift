import Testing

/// `bale gunzip FILE` of bale's own file never reads its members into its
/// own memory: each member is a range of the file, spliced by a worker's
/// feeder into its pipe when it is sent (`MemberChunkCutter`,
/// `WorkerLink`), as `gzip FILE`'s chunks are (SplicedInputTests). So a
/// file that shrinks after its members were cut is found by the splice (or
/// by the reader, if it cuts a member after): the job must then fail for
/// that file ("file changed as we read it", exit 1, the input kept, no
/// output), never inflate the zeros the frame was finished with, nor take
/// the shrunk file for one cut short by its writer.
@Suite struct SplicedMemberTests {
    /// The worker stalls on member 0 (test hook) with member 1 sent or
    /// about to be; the file is cut to 6 MiB, inside member 1 (each member
    /// holds 4 MiB of data, about as much compressed); the stalled worker
    /// is killed, and its replacement is sent members 0 and 1 again,
    /// spliced from the file as it now is: member 1 comes up short. A
    /// member cut only after the file shrank finds its trailer gone.
    @Test func aFileThatShrinksAfterItsMembersWereCutFailsTheJob() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            set -m   # background jobs keep SIGINT's default action
            head -c 16777216 /dev/urandom > big && "$BALE" gzip -1 big && cp big.gz copy.gz
            [ $(stat -c %s big.gz) -gt 12000000 ] || echo "the members are smaller than the test needs"
            BALE_TEST_STALL_WORKER_MID_FRAME=0 BALE_TEST_HOOK_ONCE="$PWD/stalled" \\
                "$BALE" gunzip -p 1 --worker-timeout 0 -k big.gz 2> err & pid=$!
            for i in $(seq 1 3000); do [ -e stalled ] && break; sleep 0.01; done
            [ -e stalled ] || echo "the worker never stalled"
            truncate -s 6M big.gz
            kill -KILL $(pgrep -P $pid)
            wait $pid; echo "status=$?"
            ls
            grep -v 'took over its chunks' err
            """)
        #expect(run.stdout == """
            status=1
            big.gz
            copy.gz
            err
            stalled
            bale: big.gz: file changed as we read it

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A file cut short before bale started is not one that changed: its
    /// last member runs past the end it had, and the streaming decoder
    /// says where the data ends, as before members were spliced.
    @Test func aFileCutShortBeforehandIsTruncated() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            head -c 16777216 /dev/urandom > big && "$BALE" gzip -1 big
            truncate -s 6M big.gz
            "$BALE" gunzip -p 2 -k big.gz 2> err; echo "status=$?"
            ls
            cat err
            """)
        #expect(run.stdout.hasPrefix("""
            status=1
            big.gz
            err
            bale: big.gz: truncated
            """), "\(run.stdout)\(run.stderr)")
    }
}
