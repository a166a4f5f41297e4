import Foundation
import Testing

/// `gzip -r` removes the temporary outputs a killed run left
/// (`.NAME.gz.bale-RRRCCC`), and only those: a name of bale's carries
/// three letters that check the rest of it (`bale_is_temporary_name`), and
/// a real leftover has its input beside it (an input is removed only after
/// its output is in place). A file of the user's that merely has the form
/// (`.notes.bale-backup`, even beside `notes.gz`) is an input like any
/// other, as GNU gzip -r takes it, never removed; `-t` removes nothing.
@Suite struct RecursiveLeftoverTests {
    /// A shell function `temporary PREFIX`: PREFIX (`.NAME.bale-`) with three
    /// random letters and their three check letters (FNV-1a of the rest, in
    /// base 62), as bale names its temporary files.
    static let temporaryName = #"""
        temporary() {
            python3 -c '
        import random, string, sys
        letters = string.ascii_uppercase + string.ascii_lowercase + string.digits
        name = sys.argv[1] + "".join(random.choice(letters) for _ in range(3))
        h = 0xcbf29ce484222325
        for b in name.encode("utf-8", "surrogateescape"):
            h = ((h ^ b) * 0x100000001b3) % 2**64
        check = ""
        for _ in range(3):
            check += letters[h % 62]; h //= 62
        print(name + check)' "$1"
        }
        """#

    @Test func onlyTemporaryFilesWithTheirInputAreRemoved() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.temporaryName + "\n" + #"""
            make() {
                rm -rf $1 && mkdir -p $1/d
                echo precious > $1/d/.notes.bale-backup; echo mine > $1/d/.x.gz.bale-ABCdef
                seq 1 100 > $1/d/y; echo kept > $1/d/.y.gz.bale-backup
            }
            make gnu && gzip -r gnu && (cd gnu && find . | sort) > gnu.names
            make bale && echo partial > "bale/d/$(temporary .y.gz.bale-)"
            "$BALE" gzip -r bale; echo "status $?"
            (cd bale && find . | sort) | diff gnu.names - && echo "same names as gzip -r"
            gzip -dc bale/d/.notes.bale-backup.gz bale/d/.y.gz.bale-backup.gz
            make bale2 && echo a | gzip > bale2/d/k.gz && echo partial > "bale2/d/$(temporary .k.bale-)"
            echo b | gzip > bale2/d/notes.gz
            "$BALE" gunzip -r bale2; echo "gunzip -r: status $?"
            ls -A bale2/d | tr '\n' ' '; echo
            mkdir t && echo c | gzip > t/m.gz && echo live > "t/$(temporary .m.bale-)"
            "$BALE" gzip -t -r t; echo "-t: status $?"; ls -A t | wc -l
            """#)
        #expect(run.stdout == """
            status 0
            same names as gzip -r
            precious
            kept
            gunzip -r: status 0
            .notes.bale-backup .x.gz.bale-ABCdef .y.gz.bale-backup k notes y 
            -t: status 0
            2

            """, "\(run.stdout)\(run.stderr)")
    }
}
