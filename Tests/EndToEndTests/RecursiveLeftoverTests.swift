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

    /// A killed run's temporary file for a long name (an output of 243
    /// bytes or more): its name, 255 bytes, holds the output's name cut to
    /// fit. It was left, and taken for an input by every later `gzip -r`,
    /// whose output name was then too long: exit 1 on every run, for ever;
    /// a killed `gunzip -r`'s partial outputs stayed. Now removed as the
    /// others are, when the input whose output it begins is beside it.
    @Test func aLeftoverWithACutNameIsRemovedToo() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.temporaryName + "\n" + #"""
            a=$(printf 'a%.0s' $(seq 245)); b=$(printf 'b%.0s' $(seq 245))
            mkdir d e && seq 1 1000 > d/$a && seq 1 500 | gzip > e/$b.gz
            cut=$(printf 'a%.0s' $(seq 242)); echo partial > "d/$(temporary .$cut.bale-)"
            cut=$(printf 'b%.0s' $(seq 242)); echo partial > "e/$(temporary .$cut.bale-)"
            # At the edge: an output of 242 bytes is held whole in a name of 255.
            c=$(printf 'c%.0s' $(seq 239)); f=$(printf 'f%.0s' $(seq 242))
            seq 1 10 > d/$c && echo partial > "d/$(temporary .$c.gz.bale-)"
            seq 1 20 | gzip > e/$f.gz && echo partial > "e/$(temporary .$f.bale-)"
            find d e -type f | awk -F/ 'length($2) == 255' | wc -l
            "$BALE" gzip -r d; echo "gzip -r: status $?"
            "$BALE" gunzip -r e; echo "gunzip -r: status $?"
            find d e -type f | awk -F/ '{ print $1, length($2) }' | sort | tr '\n' ' '; echo
            gzip -dc d/$a.gz | cmp - <(seq 1 1000) && cmp e/$b <(seq 1 500) && cmp e/$f <(seq 1 20) && echo "all whole"
            """#)
        #expect(run.stdout == """
            4
            gzip -r: status 0
            gunzip -r: status 0
            d 242 d 248 e 242 e 245 
            all whole

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `gzip FILE` and `gunzip FILE` remove a killed run's temporary file
    /// for the output they write, beside it (a long name's, cut, too); a
    /// kill of a cron job's `bale gzip big.log` left one more hidden
    /// partial copy each time, which no later run removed. A file that
    /// only looks like one stays, and so does another output's.
    @Test func aSingleFileRunRemovesItsOutputsLeftover() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.temporaryName + "\n" + #"""
            long=$(printf 'l%.0s' $(seq 245)); cut=$(printf 'l%.0s' $(seq 242))
            mkdir d && seq 1 1000 > d/log && seq 1 10 > d/$long && seq 1 5 | gzip > d/old.gz && seq 1 3 > d/other
            echo partial > "d/$(temporary .log.gz.bale-)"; echo partial > "d/$(temporary .$cut.bale-)"
            echo partial > "d/$(temporary .old.bale-)"; echo partial > "d/$(temporary .other.gz.bale-)"
            echo mine > d/.log.gz.bale-backup
            "$BALE" gzip -v d/log d/$long 2> err; echo "gzip: status $?"
            "$BALE" gunzip d/old.gz; echo "gunzip: status $?"
            ls -A d | awk '{ print (length($0) > 30 ? "LONG(" length($0) ")" : $0) }' | LC_ALL=C sort | tr '\n' ' '; echo
            grep -c 'removed, left by an interrupted run' err
            gzip -dc d/log.gz | cmp - <(seq 1 1000) && echo "whole"
            """#)
        #expect(run.stdout.hasPrefix("""
            gzip: status 0
            gunzip: status 0
            .log.gz.bale-backup .other.gz.bale-
            """), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasSuffix("""
             LONG(248) log.gz old other 
            2
            whole

            """), "\(run.stdout)\(run.stderr)")
    }

    /// With --out-dir, a killed run's temporary outputs are in the mirror,
    /// where the walk of the inputs never goes: each stayed for good (a
    /// hidden partial copy), however many runs came after. Removed now
    /// when the output they were for is written; a user's file of the
    /// form, and one for an output not written, stay.
    @Test func outDirLeftoversAreRemovedWhenTheirOutputIsWritten() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.temporaryName + "\n" + #"""
            mkdir -p d/sub o/d/sub && seq 1 1000 > d/sub/log && seq 1 10 > d/other
            echo partial > "o/d/sub/$(temporary .log.gz.bale-)"; echo mine > o/d/sub/.log.gz.bale-backup
            echo partial > "o/d/$(temporary .gone.gz.bale-)"
            "$BALE" gzip -r -v --out-dir o d 2> err; echo "status $?"
            ls -A o/d o/d/sub | grep -v ':$' | tr '\n' ' '; echo
            grep -c 'removed, left by an interrupted run' err
            gzip -dc o/d/sub/log.gz | cmp - d/sub/log && echo "whole"
            """#)
        #expect(run.stdout.hasPrefix("status 0\n"), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains(" other.gz sub  .log.gz.bale-backup log.gz \n1\nwhole\n"), "\(run.stdout)\(run.stderr)")
    }
}
