import Foundation
import Testing

/// Where `bale sum` takes a file to end. A worker stops at a read shorter
/// than asked only when it brings a regular file to the size it was
/// listed with (`FileHasher`); anything else is read to the read that
/// returns nothing, as sha256sum reads it.
@Suite struct SumReadEndTests {
    /// A pipe that delivers its bytes in two writes reads short after the
    /// first; the digest is still that of all of them.
    @Test func aPipeIsReadToItsEnd() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            printf 'abcdef' | sha256sum > m.sum
            mkfifo f && sed 's/-$/f/' m.sum > f.sum
            (printf 'abc'; sleep 1; printf 'def') | "$BALE" sum -c m.sum; echo "status=$?"
            (printf 'abc'; sleep 1; printf 'def') > f & "$BALE" sum -c f.sum; echo "status=$?"; wait
            """#)
        #expect(run.stdout == """
            -: OK
            status=0
            f: OK
            status=0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Files read at once, in several reads, and at the read buffer's
    /// size (1 MiB) and either side of it, all as sha256sum hashes them.
    @Test func filesAroundTheReadBufferAgreeWithSha256sum() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir t && : > t/empty
            for n in 1 65535 1048575 1048576 1048577 2097152 3145729; do head -c $n "$FIXTURES/mixed" > t/f$n; done
            "$BALE" sum -p 2 t > bale.sum; echo "status=$?"
            find t -type f -print0 | xargs -0 sha256sum | sort > ref.sum
            sort bale.sum | cmp - ref.sum && echo "same as sha256sum"
            """#)
        #expect(run.stdout == """
            status=0
            same as sha256sum

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A pipe or a device named on the command line is hashed, as
    /// sha256sum hashes it (bale printed nothing for them and exited 0);
    /// inside a tree only regular files are.
    @Test func aNamedPipeOrDeviceIsHashed() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkfifo p && mkdir t && mkfifo t/inner && printf 'x' > t/x
            # The writer opens the pipe itself (no subshell), so that if no
            # reader ever comes, timeout's KILL ends it and the test fails
            # rather than hangs.
            timeout -s KILL 10 sh -c "exec > p; printf 'abc'; sleep 1; printf 'def'" &
            "$BALE" sum p /dev/null t > bale.sum; echo "status=$?"; wait
            (printf 'abcdef' | sha256sum | sed 's/-$/p/'; sha256sum /dev/null t/x) | cmp - bale.sum && echo "same as sha256sum"
            """#)
        #expect(run.stdout == """
            status=0
            same as sha256sum

            """, "\(run.stdout)\(run.stderr)")
    }
}
