// `bale sum` of standard input given as a file, read from where its offset
// stands, held to sha256sum on the same input.
import Testing

@Suite struct SumStandardInputOffsetTests {
    /// sha256sum reads standard input from where the shell (or the command
    /// before it) left its offset, and leaves it at the end; the workers
    /// reopened bale's through /proc, from its first byte: `(dd bs=1
    /// count=5 of=/dev/null; bale sum) < f` hashed all of f, a second `-`
    /// hashed f again where sha256sum hashes nothing, and `-c` of a line
    /// naming `-` failed where sha256sum's passed. Now bale prints
    /// sha256sum's lines, status and what is left to read, for any `-p`.
    @Test func aFileOnStandardInputIsReadFromItsOffset() throws {
        let run = try Scratch().run(#"""
            head -c 300000 /dev/urandom > f; tail -c +6 f | sha256sum > rest.sha256
            for p in 1 2; do
                for tool in sha256sum "$BALE sum -p $p"; do
                    out="$p.$(basename ${tool%% *})"
                    { dd bs=1 count=5 of=/dev/null 2> /dev/null; $tool; echo "status $?"; wc -c; } < f > "$out.no-path"
                    { dd bs=1 count=5 of=/dev/null 2> /dev/null; $tool - f -; } < f > "$out.twice"
                    { dd bs=1 count=5 of=/dev/null 2> /dev/null; $tool -c rest.sha256; echo "status $?"; } < f > "$out.check"
                done
                for c in no-path twice check; do cmp "$p.sha256sum.$c" "$p.bale.$c" && echo "-p $p: $c as sha256sum"; done
            done
            head -1 1.sha256sum.no-path | cmp - rest.sha256 && echo "the rest of f"
            sed 1d 1.sha256sum.no-path; cat 1.sha256sum.check
            printf '' | sha256sum | cmp - <(sed -n 3p 1.sha256sum.twice) && echo "the second - is empty"
            """#)
        #expect(run.stdout == """
            -p 1: no-path as sha256sum
            -p 1: twice as sha256sum
            -p 1: check as sha256sum
            -p 2: no-path as sha256sum
            -p 2: twice as sha256sum
            -p 2: check as sha256sum
            the rest of f
            status 0
            0
            -: OK
            status 0
            the second - is empty

            """, "\(run.stdout)\(run.stderr)")
    }
}
