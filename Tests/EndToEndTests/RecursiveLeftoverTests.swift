import Foundation
import Testing

/// `gzip -r` removes the temporary outputs a killed run left
/// (`.NAME.gz.bale-XXXXXX`), and only those: a file of the user's that
/// merely has that form (`.notes.bale-backup`) is an input like any other,
/// as GNU gzip -r takes it, never removed. A real leftover always has its
/// input beside it (an input is removed only after its output is in place).
@Suite struct RecursiveLeftoverTests {
    @Test func onlyTemporaryFilesWithTheirInputAreRemoved() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            make() {
                rm -rf $1 && mkdir -p $1/d
                echo precious > $1/d/.notes.bale-backup; echo mine > $1/d/.x.gz.bale-ABCdef
                seq 1 100 > $1/d/y
            }
            make gnu && gzip -r gnu && (cd gnu && find . | sort) > gnu.names
            make bale && echo partial > bale/d/.y.gz.bale-Zz0912
            "$BALE" gzip -r bale; echo "status $?"
            (cd bale && find . | sort) | diff gnu.names - && echo "same names as gzip -r"
            gzip -dc bale/d/.notes.bale-backup.gz
            make bale2 && echo a | gzip > bale2/d/k.gz && echo partial > bale2/d/.k.bale-QWErty
            "$BALE" gunzip -r bale2; echo "gunzip -r: status $?"
            ls -A bale2/d | tr '\n' ' '; echo
            """#)
        #expect(run.stdout == """
            status 0
            same names as gzip -r
            precious
            gunzip -r: status 0
            .notes.bale-backup .x.gz.bale-ABCdef k y 

            """, "\(run.stdout)\(run.stderr)")
    }
}
