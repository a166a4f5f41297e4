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
}
