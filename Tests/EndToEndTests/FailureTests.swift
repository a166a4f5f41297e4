import Foundation
import Testing

/// Failures that happen to a running job: its reader goes away, a worker
/// dies, a signal arrives. Each must leave no partial output.
@Suite struct FailureTests {
    @Test func aClosedPipeEndsQuietly() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            "$BALE" gzip -c "$FIXTURES/mixed" | head -c 100 > /dev/null; echo "status=${PIPESTATUS[0]}"
            """)
        #expect(run.stdout == "status=141\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.isEmpty, "quiet: \(run.stderr)")
    }

    @Test func aKilledWorkerFailsTheFileAndLosesNothing() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            for i in 1 2 3 4; do cat "$FIXTURES/mixed"; done > big && cp big big.orig
            "$BALE" gzip -9 -p 2 big 2> err & pid=$!
            # wait for the workers, then kill one
            for i in $(seq 1 200); do worker=$(pgrep -P $pid | head -1); [ -n "$worker" ] && break; sleep 0.05; done
            sleep 0.3; kill -9 $worker
            wait $pid; echo "status=$?"
            cat err >&2
            ls -A | sort | tr '\\n' ' '; echo
            cmp big big.orig && echo "input intact"
            sleep 0.2; pgrep -P $pid > /dev/null || echo "no children left"
            """)
        #expect(run.stdout.contains("status=1\n"), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("big big.orig err \n"), "no output, no temporary: \(run.stdout)")
        #expect(run.stdout.contains("input intact"))
        #expect(run.stderr.contains("worker"), "\(run.stderr)")
    }

    @Test(arguments: [("TERM", 143), ("INT", 130), ("HUP", 129)])
    func aSignalRemovesTheTemporaryOutput(signal: String, expected: Int) throws {
        // Also checks that no worker outlives bale.
        let scratch = Scratch()
        let run = try scratch.run("""
            for i in 1 2 3 4; do cat "$FIXTURES/mixed"; done > big
            set -m   # job control: a background job keeps SIGINT, as at a terminal
            "$BALE" gzip -9 -p 2 big & pid=$!
            for i in $(seq 1 200); do ls -A | grep -q bale- && break; sleep 0.05; done
            sleep 0.2; workers=$(pgrep -P $pid); kill -\(signal) $pid
            wait $pid; echo "status=$?"
            sleep 0.3
            ls -A | tr '\\n' ' '; echo
            for w in $workers; do ps -o stat= -p $w | grep -qv Z && echo "worker $w still running"; done
            """)
        #expect(run.stdout == "status=\(expected)\nbig \n", "\(run.stdout)\(run.stderr)")
    }

    @Test func peakMemoryStaysUnderTheStatedBound() throws {
        let scratch = Scratch()
        // The README's bound for -p 2: 160 MiB for the largest process.
        let run = try scratch.run("""
            for i in 1 2 3 4 5 6 7 8; do cat "$FIXTURES/mixed"; done > big
            /usr/bin/time -f '%M' -o rss "$BALE" gzip -1 -p 2 -c big > big.gz
            /usr/bin/time -f '%M' -o rss2 "$BALE" gunzip -p 2 -c big.gz > /dev/null
            echo $(( $(cat rss) / 1024 )) $(( $(cat rss2) / 1024 ))
            """)
        let figures = run.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        #expect(figures.count == 2, "\(run.stdout)\(run.stderr)")
        for megabytes in figures { #expect(megabytes < 160, "peak \(megabytes) MiB") }
    }
}
