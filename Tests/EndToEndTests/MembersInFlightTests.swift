import Testing

/// `bale gunzip FILE` of bale's own file sends each worker one member at a
/// time (`GunzipJob.membersInFlightToArena`): every member in flight holds
/// an arena slot, and each slot a run touches costs it the slot's pages.
/// A stream's members, answered in their frames, keep the next one
/// waiting in the worker's pipe. Seen from outside: a worker stalled on
/// member 0 (test hook) has nothing more in its pipe for a file, the next
/// member for a stream (the bytes in the pipe, FIONREAD on the worker's
/// standard input opened through /proc).
@Suite struct MembersInFlightTests {
    /// The bytes waiting in the stalled worker's pipe, printed as
    /// `waiting=N`, for `gunzip -c` with `source` (what comes before the
    /// command: nothing, or a pipe into it) and `input` (its argument).
    private static func bytesWaiting(source: String = "", input: String = "") -> String {
        """
        set -m   # background jobs keep SIGINT's default action
        head -c 16777216 /dev/urandom > big && "$BALE" gzip -1 big
        \(source) BALE_TEST_STALL_WORKER_MID_FRAME=0 BALE_TEST_HOOK_ONCE="$PWD/stalled" \\
            "$BALE" gunzip -p 1 --worker-timeout 0 -c \(input) > out 2> err & pid=$!
        for i in $(seq 1 3000); do [ -e stalled ] && break; sleep 0.01; done
        [ -e stalled ] || echo "the worker never stalled"
        sleep 0.5   # time for a feeder that would send another member to send it
        worker=$(pgrep -P $pid)
        python3 -c '
        import fcntl, os, struct, sys, termios
        fd = os.open("/proc/%s/fd/0" % sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
        print("waiting=%d" % struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\\0" * 4))[0])
        ' $worker
        kill -KILL $pid $worker; wait $pid 2>/dev/null
        """
    }

    @Test func aFilesWorkerHoldsOneMemberAtATime() throws {
        let run = try Scratch().run(Self.bytesWaiting(input: "big.gz"))
        #expect(run.stdout == "waiting=0\n", "\(run.stdout)\(run.stderr)")
    }

    /// The same stall, the same file read through a pipe: the feeder has
    /// sent the next member, which fills the worker's pipe (1 MiB).
    @Test func aStreamsWorkerHasTheNextMemberWaiting() throws {
        let run = try Scratch().run(Self.bytesWaiting(source: "cat big.gz |"))
        #expect(run.stdout.hasPrefix("waiting=") && run.stdout != "waiting=0\n", "\(run.stdout)\(run.stderr)")
    }
}
