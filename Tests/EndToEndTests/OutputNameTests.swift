import Foundation
import Testing

/// Output names gzip's rules must hold for: one longer than a directory
/// can hold (NAME_MAX, 255 bytes), and `-o FILE` over an existing FILE.
@Suite struct OutputNameTests {
    /// `gzip` of a 254-byte name: NAME.gz cannot exist. GNU gzip cuts the
    /// output's name and keeps the whole name in its header; bale stores no
    /// name, so it refuses before any work, names the output and the
    /// cause, keeps the input, exit 1; `-r` goes on with the other files.
    @Test func anOutputNameTooLongIsRefusedAndTheInputKept() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            long=$(printf 'n%.0s' $(seq 254))
            mkdir t && seq 1 100 > t/$long && seq 1 10 > t/short && cp t/$long $long
            "$BALE" gzip $long 2> err; echo "one file: $?"; grep -c "^bale: $long.gz: File name too long$" err
            cmp $long t/$long && echo "input kept"
            "$BALE" gzip -r t 2> err; echo "-r: $?"; grep -c "^bale: t/$long.gz: File name too long$" err
            ls -A t | awk '{ print length($0) }'
            ls -A | grep -c bale- ; ls -A t | grep -c bale-
            """#)
        #expect(run.stdout == """
            one file: 1
            1
            input kept
            -r: 1
            1
            254
            8
            0
            0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `-o FILE` from standard input over an existing FILE: not replaced
    /// without -f (as with a named input), said before the pipe is read.
    @Test func standardInputDoesNotReplaceAnExistingOutput() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            echo old > out
            seq 1 5 | "$BALE" gzip -o out; echo "without -f: $?"; cat out
            seq 1 5 | "$BALE" gzip -f -o out; echo "with -f: $?"; gzip -dc out | wc -l
            """#)
        #expect(run.stdout == """
            without -f: 2
            old
            with -f: 0
            5

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == "bale: out already exists;\tnot overwritten\n")
    }
}
