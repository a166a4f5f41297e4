import Foundation
import Testing

/// `bale sum` of large files written while they are hashed: what was
/// hashed is then half old bytes and half new, a digest that matches no
/// state the file was ever in. The old code printed it, exit 0, on the
/// paths that read with read() to the end (two large files side by side,
/// `FilePairHasher`) and, for a write that kept the size, on the mapped
/// path too (`FileHasher`, which caught only a shrink). Both say "file
/// changed as we read it" now, with no line for the file (`HashedFileStamp`).
///
/// The files are sparse (zeros, hashed in seconds, read from no disk), and the change is made once a worker holds the file open
/// (looked for in /proc), before it can have read to the end.
@Suite struct SumChangedWhileHashedTests {
    /// Waits until one of the workers of bale (pid `$1`) has `$2` open,
    /// then runs the rest of the arguments.
    private static let onceOpen = #"""
        once_open() {
            local pid=$1 target="$PWD/$2"; shift 2
            for i in $(seq 1 4000); do
                for worker in $(pgrep -P $pid); do
                    ls -l /proc/$worker/fd 2> /dev/null | grep -q -F -- "-> $target" && { "$@"; return; }
                done
                sleep 0.005
            done
            echo "never opened: $target"
        }
        """#

    /// Two large files hashed side by side, one truncated mid-hash.
    @Test func aFileTruncatedWhileHashedInAPairHasNoDigest() throws {
        let run = try Scratch().run(Self.onceOpen + #"""

            mkdir t && truncate -s 512M t/a && truncate -s 512M t/b
            "$BALE" sum -p 1 t > out 2> err & pid=$!
            once_open $pid t/a truncate -s 400M t/a
            wait $pid; echo "status=$?"
            cat out err
            """#)
        #expect(run.stdout == """
            status=1
            \(Self.zeros512M)  t/b
            bale: t/a: file changed as we read it

            """, "\(run.stdout)\(run.stderr)")
    }

    /// One large file, mapped, written in place (its size kept) mid-hash.
    @Test func aFileRewrittenInPlaceWhileMappedHasNoDigest() throws {
        let run = try Scratch().run(Self.onceOpen + #"""

            mkdir t && truncate -s 2G t/a
            "$BALE" sum -p 1 t > out 2> err & pid=$!
            once_open $pid t/a dd if=/dev/urandom of=t/a bs=1M count=1 seek=2000 conv=notrunc status=none
            wait $pid; echo "status=$?"
            cat out err
            """#)
        #expect(run.stdout == """
            status=1
            bale: t/a: file changed as we read it

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The SHA-256 of 512 MiB of zeros (`truncate -s 512M z && sha256sum z`).
    private static let zeros512M = "9acca8e8c22201155389f65abbf6bc9723edc7384ead80503839f49dcc56d767"

    /// A file of 1 MiB rewritten over and over while `sum` reads it (its
    /// first byte, then its last, each pass a new value): one read() of it
    /// is not whole against the writes, and the old code, which judged only
    /// files read by more than one call, printed digests of states the file
    /// never held (17 runs in 60, exit 0; sha256sum 14; a reading helper).
    /// Every digest printed now is of a state the file was in; the others
    /// are "file changed as we read it". Alone and in a batch with another.
    @Test func aSmallFileRewrittenWhileReadIsNeverTorn() throws {
        let run = try Scratch().run(#"""
            mkdir t && head -c 1048576 /dev/zero > t/f && echo g > t/g
            python3 -c "
            import os
            fd = os.open('t/f', os.O_WRONLY)
            while True:
                for i in range(1, 251):
                    os.pwrite(fd, bytes([i]), 0); os.pwrite(fd, bytes([i]), 1048575)
            " > /dev/null 2>&1 & writer=$!
            for run in $(seq 1 40); do "$BALE" sum -p 1 t; "$BALE" sum -p 1 t/f; done > sums 2> err
            kill -KILL $writer
            python3 -c "
            import hashlib
            middle = bytes(1048574)
            states = [(0, 0), (1, 0), (1, 250)] + [(i, i) for i in range(1, 251)] + [(i + 1, i) for i in range(1, 250)]
            valid = {hashlib.sha256(bytes([a]) + middle + bytes([b])).hexdigest() for a, b in states}
            lines = [l.split('  ') for l in open('sums').read().splitlines()]
            digests = [d for d, name in lines if name == 't/f']
            print('torn:', sum(d not in valid for d in digests))
            said = open('err').read().splitlines()
            print('said or summed:', len(digests) + len(said) == 80, all(l.endswith(': file changed as we read it') for l in said))"
            """#)
        #expect(run.stdout == "torn: 0\nsaid or summed: True True\n", "\(run.stdout)\(run.stderr)")
    }

    /// One write already under way as the hashing begins: the kernel
    /// stamps the file's change time as a write begins, so the stamp held
    /// it and the end check saw no change, while its bytes landed ahead of
    /// and behind the read (a probe helper: 3 MiB files rewritten in a
    /// loop gave 24 torn digests in 100 runs, exit 0). Here the writer's
    /// source is a file put out of the page cache, so the write (one
    /// pwrite of 160 MiB) is slower than the hashing, which overtook it:
    /// the old code printed a digest of the new bytes up to the writer's
    /// place and the old ones after it in most runs. A recent file is now
    /// settled first (`HashedFileStamp.settled`): its digest is of the
    /// file once the write is whole.
    @Test func aWriteUnderWayAsHashingBeginsIsWaitedFor() throws {
        let run = try Scratch().run(WriteUnderWay.script("['sum', '-p', '1', 'f']", judge: """
            if result.returncode != 0:
                return 'said' if result.stderr.strip().endswith('file changed as we read it') else 'unsaid: ' + result.stderr
            digest = result.stdout.split(' ')[0]
            return {hashlib.sha256(new).hexdigest(): 'new', hashlib.sha256(old).hexdigest(): 'old'}.get(digest, 'torn')
            """))
        // 'said' when bale began before the write: its change is said.
        #expect(run.stdout.hasSuffix("begun during the write: True\n"), "\(run.stdout)\(run.stderr)")
        #expect(["seen: ['new']\n", "seen: ['new', 'said']\n"].contains(run.stdout.split(separator: "\n")[0] + "\n"),
                "\(run.stdout)\(run.stderr)")
    }
}
