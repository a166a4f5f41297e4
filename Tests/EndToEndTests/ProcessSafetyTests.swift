import Foundation
import Testing

/// bale as a process among others: its workers, its temporary files and
/// its signal handler. A worker that stalls half-way through an answer is
/// replaced as a silent one is; a worker holds no descriptor but its
/// standard input, output and error and the two of the shared arena, even
/// one started late to replace another; the inputs of `gzip -r` on several file systems go only once
/// every file system holding an output is flushed; a signal leaves no
/// temporary file, whatever was being created; a full table of temporary
/// files is an error, never an untracked file. Judged by gzip, cmp, find,
/// strace and the kernel's /proc.
@Suite struct ProcessSafetyTests {
    /// A worker that writes half of its answer and then sleeps: the rest
    /// of the frame must come within --worker-timeout too, so the worker
    /// is killed and replaced, the chunk is done again by the new one, and
    /// the output is what an undisturbed run writes. (`timeout 300` only
    /// keeps a regression from hanging the test run. Level 1 and a 2 s
    /// timeout: the tests share two cores, and a worker busy with a slow
    /// level could be taken for hung as well.)
    @Test func aWorkerStalledMidFrameIsReplaced() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            cp "$FIXTURES/mixed" data
            "$BALE" gzip -1 -p 2 -c data > ref.gz
            BALE_TEST_STALL_WORKER_MID_FRAME=3 BALE_TEST_HOOK_ONCE=$PWD/once-gzip \\
              timeout 300 "$BALE" gzip -1 -p 2 --worker-timeout 2 -c data > out.gz 2> gzip.err; echo "gzip status=$?"
            cat gzip.err >&2
            [ -e once-gzip ] && echo "a worker stalled"
            cmp out.gz ref.gz && echo "same bytes as an undisturbed run"
            gzip -dc out.gz | cmp - data && echo "gzip reads back the input"
            grep -c 'stalled in the middle of a result' gzip.err
            grep -q 'took over its chunks, nothing lost' gzip.err && echo "another worker took over"
            BALE_TEST_STALL_WORKER_MID_FRAME=3 BALE_TEST_HOOK_ONCE=$PWD/once-gunzip \\
              timeout 300 "$BALE" gunzip -p 2 --worker-timeout 2 -c ref.gz > back 2> gunzip.err; echo "gunzip status=$?"
            cat gunzip.err >&2
            [ -e once-gunzip ] && echo "a worker stalled"
            cmp back data && echo "gunzip output intact"
            grep -c 'stalled in the middle of a result' gunzip.err
            """)
        #expect(run.stdout == """
            gzip status=0
            a worker stalled
            same bytes as an undisturbed run
            gzip reads back the input
            1
            another worker took over
            gunzip status=0
            a worker stalled
            gunzip output intact
            1

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Workers stopped (SIGSTOP) while idle do not hold the run's end:
    /// the pool continues it as it closes its input. bale waited for it
    /// forever after its output was whole, `--worker-timeout` or not (a
    /// probe helper: `sum` hung 9 minutes, until SIGCONT).
    @Test func aStoppedWorkerDoesNotHoldTheEnd() throws {
        let run = try Scratch().run(#"""
            (echo data; sleep 2) | timeout 30 "$BALE" gzip -c -p 2 --worker-timeout 2 > out.gz & pid=$!
            sleep 1
            bale=$(pgrep -P $pid)  # timeout's child
            idle=$(pgrep -P $bale)  # both: the one chunk was done at once
            [ -n "$idle" ] && kill -STOP $idle && echo "stopped"
            wait $pid; echo "status $?"
            gzip -dc out.gz
            """#)
        #expect(run.stdout == "stopped\nstatus 0\ndata\n", "\(run.stdout)\(run.stderr)")
    }

    /// The workers are named `bale`, the last part of their argv[0], as
    /// `pgrep -x bale`, `killall bale`, `top` and a batch system's
    /// accounting see them: not "exe", the name the kernel gives a process
    /// started from /proc/self/exe.
    @Test func workersAreNamedBale() throws {
        let run = try Scratch().run("""
            (sleep 2; echo x) | "$BALE" gzip -p 2 -c > /dev/null &
            parent=$!
            for i in $(seq 1 150); do [ "$(pgrep -P $parent | wc -l)" = 2 ] && break; sleep 0.02; done
            for worker in $(pgrep -P $parent); do cat /proc/$worker/comm; done
            wait
            """)
        #expect(run.stdout == "bale\nbale\n", "\(run.stdout)\(run.stderr)")
    }

    /// Every worker, those started first and the one started late in place
    /// of a worker that died, holds descriptors 0, 1 and 2 (its pipes and
    /// bale's standard error) and 3 and 4 (the shared arena's inputs and
    /// outputs, memfds), and nothing else: not the destination directory
    /// unpack had open (it was dup'ed without close-on-exec once), not a
    /// descriptor bale's own caller leaked to it (7 here). The workers
    /// list /proc/self/fd as they start (test hook BALE_TEST_WORKER_FDS),
    /// with how each is open: 3 read-only.
    @Test(arguments: ["unpack", "gzip -r", "pack"])
    func workersHoldNoOtherDescriptor(command: String) throws {
        let scratch = Scratch()
        let job: String
        switch command {
        case "unpack": job = #""$BALE" unpack -p 2 t.tar.gz -C out"#
        case "gzip -r": job = #""$BALE" gzip -r -p 2 -k t"#
        default: job = #""$BALE" pack -p 2 t -o again.tar.gz"#
        }
        let run = try scratch.run("""
            mkdir t out fds && for i in $(seq 1 12); do head -c $((1500000 + i)) "$FIXTURES/mixed" > t/f$i; done
            "$BALE" pack t -o t.tar.gz   # bale's own format: its members are inflated by the workers
            exec 7< t.tar.gz   # left open, without close-on-exec, by the caller
            BALE_TEST_KILL_WORKER_AT_CHUNK=2 BALE_TEST_HOOK_ONCE=$PWD/once BALE_TEST_WORKER_FDS=$PWD/fds \\
              \(job) 2> err; echo "status=$?"
            cat err >&2
            grep -q 'took over its chunks' err && echo "a worker was replaced"
            ls fds | wc -l
            for f in fds/*; do
              fds=$(cut -d' ' -f1 "$f" | sort -n | tr '\\n' ' ')
              [ "$fds" = "0 1 2 3 4 " ] || { echo "worker $(basename "$f") holds: $fds"; cat "$f"; }
              grep -q '^3 -> /memfd:bale-inputs' "$f" || { echo "worker $(basename "$f"): 3 is not the inputs"; cat "$f"; }
              grep -q '^4 -> /memfd:bale-outputs' "$f" || { echo "worker $(basename "$f"): 4 is not the outputs"; cat "$f"; }
              grep -q '^3 -> .*, read-only$' "$f" || { echo "worker $(basename "$f"): 3 is not read-only"; cat "$f"; }
            done
            """)
        // Two workers, and the one that replaced the worker killed at chunk 2.
        #expect(run.stdout == "status=0\na worker was replaced\n3\n", "\(command): \(run.stdout)\(run.stderr)")
    }

    /// `gzip -r` of inputs on two file systems (the scratch directory and
    /// a tmpfs mounted in it): every input is removed, every output is
    /// whole, and, as strace shows, syncfs was called on both file systems
    /// before the first input was removed.
    @Test(.enabled(if: Machine.canMountTmpfs, "needs to mount a tmpfs (root, where the kernel allows it)"),
          .enabled(if: Machine.canTrace, "needs strace, allowed to trace (make setup installs it)"))
    func inputsOnSeveralFileSystemsGoOnlyOnceAllAreFlushed() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p disk mem && mount -t tmpfs -o size=64m bale-test mem || exit 1
            trap 'umount mem' EXIT
            for i in $(seq 1 20); do head -c $((30000 + i)) "$FIXTURES/mixed" > disk/f$i; head -c $((40000 + i)) "$FIXTURES/text" > mem/g$i; done
            cp -a disk disk.orig && cp -a mem mem.orig
            [ "$(stat -c %d disk)" != "$(stat -c %d mem)" ] && echo "two file systems"
            strace -f -qq -y -e trace=syncfs,unlink,unlinkat -o trace "$BALE" gzip -r -p 2 disk mem; echo "status=$?"
            # The file systems syncfs flushed before the first unlink.
            first=$(grep -n -E 'unlink(at)?\\(' trace | head -1 | cut -d: -f1)
            head -n $((first - 1)) trace | grep -o 'syncfs([0-9]*<[^>]*>' | sed 's/^syncfs([0-9]*<//; s/>$//' \\
              | while read -r d; do stat -c %d "$d"; done | sort -u > synced
            stat -c %d disk mem | sort -u > wanted
            cmp -s synced wanted && echo "both flushed before any input was removed"
            [ -z "$(find disk mem -type f ! -name '*.gz')" ] && echo "every input removed"
            for d in disk mem; do for f in $d.orig/*; do
              gzip -dc "$d/$(basename "$f").gz" | cmp -s - "$f" || echo "bad: $d/$(basename "$f").gz"
            done; done
            """)
        #expect(run.stdout == """
            two file systems
            status=0
            both flushed before any input was removed
            every input removed

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The same without strace: inputs on two file systems are all
    /// removed, each after its output is complete.
    @Test(.enabled(if: Machine.canMountTmpfs, "needs to mount a tmpfs (root, where the kernel allows it)"))
    func gzipRecursiveAcrossFileSystemsLosesNothing() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p disk mem && mount -t tmpfs -o size=64m bale-test mem || exit 1
            trap 'umount mem' EXIT
            for i in $(seq 1 300); do head -c $((3000 + i)) "$FIXTURES/mixed" > disk/f$i; head -c $((4000 + i)) "$FIXTURES/text" > mem/g$i; done
            cp -a disk disk.orig && cp -a mem mem.orig
            "$BALE" gzip -r -p 2 mem disk; echo "status=$?"
            [ -z "$(find disk mem -type f ! -name '*.gz')" ] && echo "every input removed"
            find disk mem -name '*.gz' | wc -l
            for d in disk mem; do for f in $d.orig/*; do
              gzip -dc "$d/$(basename "$f").gz" | cmp -s - "$f" || echo "bad: $d/$(basename "$f").gz"
            done; done
            """)
        #expect(run.stdout == "status=0\nevery input removed\n600\n", "\(run.stdout)\(run.stderr)")
    }

    /// Signals at many moments of jobs that make many temporary files
    /// (gzip -r: one per file; unpack: one per large file, made with the
    /// extractor's directory descriptors; pack: the archive): after each,
    /// find sees no temporary file, and what was done is whole. A job that
    /// finished before its signal counts too; at least some must have been
    /// cut short for the test to mean anything.
    @Test func aSignalAtAnyMomentLeavesNoTemporaryFile() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir big && for i in $(seq 1 24); do head -c $((1100000 + 997 * i)) "$FIXTURES/mixed" > big/f$i; done
            tar -cf big.tar big && gzip -1 -c big.tar > big.tar.gz
            mkdir small && head -c 6000000 "$FIXTURES/mixed" | split -b 6000 -a 4 - small/f
            set -m   # job control: a background job keeps SIGINT, as at a terminal
            cut=0; runs=0
            for delay in 0.02 0.05 0.1 0.15 0.2 0.3 0.45 0.6; do
              for job in unpack gzip pack; do
                rm -rf out && mkdir out && cp -a small out/small
                case $job in
                  unpack) "$BALE" unpack -p 2 big.tar.gz -C out & pid=$! ;;
                  gzip) "$BALE" gzip -r -p 2 out/small & pid=$! ;;
                  pack) "$BALE" pack -p 2 big -o out/big.tar.gz & pid=$! ;;
                esac
                sleep $delay
                [ $((runs % 2)) = 0 ] && kill -TERM $pid || kill -INT $pid
                wait $pid; status=$?
                runs=$((runs + 1))
                case $status in 0) ;; 130|143) cut=$((cut + 1)) ;; *) echo "$job after $delay s: status $status" ;; esac
                find out -name '.*.bale-*' | sed "s/^/$job after $delay s: temporary left: /"
                for f in out/big/*; do [ -e "$f" ] && { cmp -s "$f" "big/${f#out/big/}" || echo "$job: partial $f"; }; done
                [ -e out/big.tar.gz ] && { gzip -t out/big.tar.gz || echo "pack: partial archive"; }
              done
            done
            echo "runs=$runs"
            [ $cut -ge 6 ] && echo "enough were cut short" || echo "only $cut cut short"
            """)
        #expect(run.stdout == "runs=24\nenough were cut short\n", "\(run.stdout)\(run.stderr)")
    }

    /// The table of temporary files the signal handler reads has a fixed
    /// number of slots; when they are all taken, making another temporary
    /// file fails (an error naming the output, exit 1) and nothing is
    /// created, never a temporary file the handler would not know of. The
    /// test hook BALE_TEST_TEMPORARY_SLOTS shrinks the table to 0 slots.
    @Test func aFullTableOfTemporaryFilesIsAnErrorThatLeavesNothing() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir t && head -c 2000000 "$FIXTURES/mixed" > t/big && seq 1 1000 > t/small && cp -a t orig
            tar -czf t.tar.gz t
            export BALE_TEST_TEMPORARY_SLOTS=0
            "$BALE" gzip t/small 2> gzip.err; echo "gzip: $?"
            "$BALE" pack t -o t2.tar.gz 2> pack.err; echo "pack: $?"
            mkdir out && "$BALE" unpack t.tar.gz -C out 2> unpack.err; echo "unpack: $?"
            cat gzip.err pack.err unpack.err >&2
            grep -q 't/small.gz: Too many open files' gzip.err && echo "gzip names the output"
            grep -q 't2.tar.gz: Too many open files' pack.err && echo "pack names the archive"
            grep -q 't/big' unpack.err && echo "unpack names the entry"
            find . -name '.*.bale-*' | sed 's/^/temporary left: /'
            diff -r t orig && echo "inputs intact"
            ls t2.tar.gz out/t/big 2>&1 | grep -c 'No such file'
            unset BALE_TEST_TEMPORARY_SLOTS
            BALE_TEST_TEMPORARY_SLOTS=1 "$BALE" gzip -r -k t; echo "one slot: $?"
            gzip -dc t/big.gz | cmp - orig/big && echo "one slot is enough for gzip -r"
            """)
        #expect(run.stdout == """
            gzip: 1
            pack: 1
            unpack: 1
            gzip names the output
            pack names the archive
            unpack names the entry
            inputs intact
            2
            one slot: 0
            one slot is enough for gzip -r

            """, "\(run.stdout)\(run.stderr)")
    }
}
