import Foundation
import Testing

/// The GZIP environment variable, as GNU gzip 1.12 takes it: its options
/// before the command line's (which win), a warning that it is deprecated
/// (none when it holds -q), and only the options gzip allows there: bale
/// ignored the variable, so `GZIP=-9` gave level 6 without a word.
@Suite struct GzipVariableTests {
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func optionsAreTakenAsGzipTakesThem() throws {
        let run = try Scratch().run(#"""
            seq 1 200000 > f
            GZIP=-1 "$BALE" gzip -c f > a 2> err; "$BALE" gzip -1 -c f | cmp - a && echo "GZIP=-1: level 1"
            cat err; GZIP=-1 gzip -c f 2>&1 > /dev/null | sed 's/^gzip/bale/' | cmp - err && echo "warning as gzip's"
            GZIP=-1 "$BALE" gzip -c -6 f | cmp - <("$BALE" gzip -6 -c f) && echo "the command line wins"
            GZIP="-q -1" "$BALE" gzip -c f 2>&1 > /dev/null | wc -c
            GZIP=-v "$BALE" gzip -c f 2>&1 > /dev/null | tail -n 1
            GZIP=-k "$BALE" gzip -c f; echo "GZIP=-k: $?"
            GZIP=x "$BALE" gunzip -c a > /dev/null; echo "GZIP=x: $?"
            GZIP=-k "$BALE" sum f > /dev/null && echo "sum: not gzip's"
            """#)
        #expect(run.stdout == """
            GZIP=-1: level 1
            bale: warning: GZIP environment variable is deprecated; use an alias or script
            warning as gzip's
            the command line wins
            0
            f:\t 71.2% -- replaced with stdout
            GZIP=-k: 64
            GZIP=x: 64
            sum: not gzip's

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("bale: -k: option not valid in GZIP environment variable"), "\(run.stderr)")
        #expect(run.stderr.contains("bale: x: non-option in GZIP environment variable"), "\(run.stderr)")
    }

    /// Long options shortened in the variable as gzip's getopt_long takes
    /// them: a prefix of one gzip option alone is that option (and then
    /// allowed there or not), a prefix of several is ambiguous, each as
    /// GNU gzip judges it (the exit statuses compared: 0, or a usage
    /// error). bale refused every shortened one, so a `GZIP=--rsync` that
    /// gzip takes stopped every bale run.
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func longOptionsShortenedAsGzipShortensThem() throws {
        let run = try Scratch().run(#"""
            seq 1 20000 > f
            for v in --rsync --no-n --verb --qui --be --fa --n --s --k; do
                GZIP=$v gzip -c f > g.gz 2> /dev/null; gnu=$?
                GZIP=$v "$BALE" gzip -c f > b.gz 2> err; bale=$?
                if [ $gnu = 0 ]; then gzip -dc b.gz | cmp -s - f && echo "$v: taken"
                else echo "$v: refused $bale"; fi
            done
            GZIP=--n "$BALE" gzip -c f 2>&1 > /dev/null
            GZIP=--ke "$BALE" gzip -c f 2>&1 > /dev/null
            """#)
        #expect(run.stdout == """
            --rsync: taken
            --no-n: taken
            --verb: taken
            --qui: taken
            --be: taken
            --fa: taken
            --n: refused 64
            --s: refused 64
            --k: refused 64
            bale: option '--n' is ambiguous; possibilities: '--name' '--no-name' '--no-time'
            bale: --keep: option not valid in GZIP environment variable

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `GZIP=-N` (or `--name`) names gunzip's outputs as their headers
    /// do, as GNU gzip's variable does; bale dropped it (the output took
    /// the input's name). Where bale takes no -N (compressing, -r), it
    /// changes nothing and stops nothing.
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func theNameOptionNamesGunzipsOutputs() throws {
        let run = try Scratch().run(#"""
            echo data > orig.txt && gzip -Nc orig.txt > renamed.gz && cp renamed.gz again.gz && rm orig.txt
            mkdir gnu && cp renamed.gz gnu/ && (cd gnu && GZIP=-N gzip -d renamed.gz 2> /dev/null && ls)
            GZIP=-N "$BALE" gunzip renamed.gz 2> /dev/null; echo "bale: $? $(ls *.txt)"; rm orig.txt
            GZIP="-q --name" "$BALE" gzip -d again.gz; echo "--name: $? $(ls *.txt)"
            echo x > y && GZIP=-qN "$BALE" gzip y && ls y.gz
            mkdir t && cp y.gz t/ && GZIP=-qN "$BALE" gunzip -r t && ls t
            """#)
        #expect(run.stdout == "orig.txt\nbale: 0 orig.txt\n--name: 0 orig.txt\ny.gz\ny\n", "\(run.stdout)\(run.stderr)")
    }

    /// The last level given counts, `--best` too (it won wherever it stood:
    /// `--best -1` gave level 12), and the command line's over the
    /// variable's.
    @Test func theLastLevelGivenCounts() throws {
        let run = try Scratch().run(#"""
            seq 1 100000 > f
            for l in 1 3 12; do "$BALE" gzip -$l -c f > l$l; done
            same() { cmp -s - "$1" && echo "$2: as $1" || echo "$2: not as $1"; }
            "$BALE" gzip --best -1 -c f | same l1 "--best -1"
            "$BALE" gzip -1 --best -c f | same l12 "-1 --best"
            "$BALE" gzip --best --level 3 -c f | same l3 "--best --level 3"
            "$BALE" gzip --fast --best -c f | same l12 "--fast --best"
            GZIP=--best "$BALE" gzip -1 -c f 2> /dev/null | same l1 "GZIP=--best, -1"
            "$BALE" gzip -2 -c f > l2; "$BALE" gzip -9 -c f > l9
            # In the variable each digit is a level, as gzip reads it there.
            GZIP=-12 "$BALE" gzip -c f 2> /dev/null | same l2 "GZIP=-12"
            GZIP=-1n9 "$BALE" gzip -c f 2> /dev/null | same l9 "GZIP=-1n9"
            "$BALE" gzip -1n9 -c f | same l9 "-1n9"; "$BALE" gzip -c1k9 f | same l9 "-c1k9"
            """#)
        #expect(run.stdout == """
            --best -1: as l1
            -1 --best: as l12
            --best --level 3: as l3
            --fast --best: as l12
            GZIP=--best, -1: as l1
            GZIP=-12: as l2
            GZIP=-1n9: as l9
            -1n9: as l9
            -c1k9: as l9

            """, "\(run.stdout)\(run.stderr)")
    }
}
