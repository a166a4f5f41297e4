import Foundation
import Testing

/// gzip's rules for the names it is given, held against GNU gzip 1.12's
/// behaviour: names that are not UTF-8, `gunzip FILE` for FILE.gz, the
/// compressed suffixes gzip does not compress again, and gzip's flag
/// clusters (`-9c`, `-9n`). Each case was found differing from gzip.
@Suite struct GzipNameRulesTests {
    /// A name in Latin-1 (byte 0xff) reaches open() as the bytes given,
    /// not as the parser's decoding of it (U+FFFD: "No such file").
    @Test func namesThatAreNotUTF8AreFound() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            name=$(printf 'a\377b'); dir=$(printf 'd\377')
            seq 1 1000 > "$name" && cp "$name" orig
            "$BALE" gzip "$name"; echo "gzip=$?"
            [ -e "$name.gz" ] && [ ! -e "$name" ] && echo "compressed beside it"
            "$BALE" gunzip "$name.gz"; echo "gunzip=$?"
            cmp "$name" orig && echo "decompressed"
            "$BALE" gzip -c "$name" | gzip -dc | cmp - orig && echo "to standard output"
            "$BALE" gzip "$name" -o "$name.out" && gzip -dc < "$name.out" | cmp - orig && echo "-o"
            mkdir "$dir" && cp orig "$dir/f"
            "$BALE" gzip -r "$dir"; echo "gzip -r=$?"
            [ -e "$dir/f.gz" ] && echo "tree compressed"
            """#)
        #expect(run.stdout == """
            gzip=0
            compressed beside it
            gunzip=0
            decompressed
            to standard output
            -o
            gzip -r=0
            tree compressed

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `gunzip FILE` with no FILE but a FILE.gz decompresses FILE.gz, as
    /// gzip does (trying `-S`'s suffix, .gz, .z and -z); a FILE that does
    /// not exist in any form, or that has a compressed suffix already, is
    /// still "No such file or directory" (named with the suffix, as gzip
    /// names it: `missing.gz`).
    @Test func gunzipTakesTheCompressedFileOfAName() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            seq 1 1000 > a && cp a orig && gzip a
            "$BALE" gunzip a; echo "gunzip=$?"
            cmp a orig && [ ! -e a.gz ] && echo "a.gz decompressed"
            gzip -S .foo a && "$BALE" gunzip -S .foo a; echo "suffix=$?"
            cmp a orig && echo "a.foo decompressed"
            gzip a && "$BALE" gunzip -t a && echo "tested"
            "$BALE" gunzip missing; echo "missing=$?"
            seq 1 10 | gzip | gzip > b.gz.gz && "$BALE" gunzip b.gz; echo "b.gz is not b.gz.gz=$?"
            """#)
        #expect(run.stdout == """
            gunzip=0
            a.gz decompressed
            suffix=0
            a.foo decompressed
            tested
            missing=1
            b.gz is not b.gz.gz=1

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == "bale: missing.gz: No such file or directory\nbale: b.gz: No such file or directory\n",
                "\(run.stderr)")
    }

    /// A name ending in any suffix gunzip knows is not compressed again
    /// (`gzip *` beside an x.tgz), unless -f, which compresses a single
    /// FILE whatever its name, as gzip; -r leaves them even with -f. Case
    /// does not count, as in gzip (`X.GZ`, `Y.Z`). Each is named, and the
    /// exit status is 0, as GNU gzip 1.12's (bale's was 2: a cron job's
    /// `bale gzip *` in a directory holding an old .gz failed where
    /// gzip's passed).
    @Test func compressedNamesAreNotCompressedAgain() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            for f in a.gz b.tgz c-z d.z e.foo; do seq 1 10 > $f; done
            "$BALE" gzip b.tgz c-z d.z; echo "known suffixes=$?"
            "$BALE" gzip -S .foo a.gz e.foo; echo "-S=$?"
            ls
            "$BALE" gzip -f a.gz; echo "-f=$?"; gzip -dc a.gz.gz | cmp - b.tgz && echo "a.gz.gz"
            mkdir t && seq 1 10 > t/x.tgz && "$BALE" gzip -r -f t; echo "-r=$?"; ls t
            seq 1 10 > f.GZ && seq 1 10 > g.Z && "$BALE" gzip f.GZ g.Z; echo "upper case=$?"
            gzip -c b.tgz > h.TGZ && gzip -c b.tgz > i.Gz && "$BALE" gunzip h.TGZ i.Gz; echo "gunzip upper case=$?"
            ls h* i*
            """#)
        #expect(run.stdout == """
            known suffixes=0
            -S=0
            a.gz
            b.tgz
            c-z
            d.z
            e.foo
            -f=0
            a.gz.gz
            -r=0
            x.tgz
            upper case=0
            gunzip upper case=0
            h.tar
            i

            """, "\(run.stdout)\(run.stderr)")
        for phrase in ["b.tgz already has .tgz suffix -- unchanged", "c-z already has -z suffix -- unchanged",
                       "d.z already has .z suffix -- unchanged", "a.gz already has .gz suffix -- unchanged",
                       "e.foo already has .foo suffix -- unchanged", "f.GZ already has .GZ suffix -- unchanged",
                       "g.Z already has .Z suffix -- unchanged"] {
            #expect(run.stderr.contains(phrase), "missing message: \(phrase) in \(run.stderr)")
        }
    }

    /// gzip's command lines run as they are: a level inside a cluster of
    /// flags (`-9c`, `-c9`, `-9nc`) and `-n`/`--no-name` (which bale does
    /// anyway: it stores no name or time). `-p2` is two workers, as in
    /// pigz, not `-p` with level 2. `gunzip -d`
    /// is gunzip, as in GNU gzip.
    @Test func gzipFlagClustersAndNoName() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            seq 1 100000 > a
            "$BALE" gzip --level 9 -c a > want && "$BALE" gzip -p 2 -c a > want.6
            for flags in -9c -c9 -9nc "-n -9 -c" "--no-name -9 -c"; do
                "$BALE" gzip $flags a | cmp -s - want && echo "$flags same" || echo "$flags DIFFERS"
            done
            "$BALE" gzip -p2 -c a | cmp -s - want.6 && echo "-p2 is -p 2"
            gzip -c a > a.gz && "$BALE" gunzip -dc a.gz | cmp - a && echo "gunzip -dc"
            "$BALE" gzip --uncompress --to-stdout a.gz | cmp - a && echo "long names"
            """#)
        #expect(run.stdout == """
            -9c same
            -c9 same
            -9nc same
            -n -9 -c same
            --no-name -9 -c same
            -p2 is -p 2
            gunzip -dc
            long names

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A name whose output fits in NAME_MAX (255 bytes) is processed,
    /// however little room is left: the temporary name beside it
    /// (`.NAME.gz.bale-XXXXXX`, 13 bytes more) holds as much of the name as
    /// fits. Names of 243 to 252 bytes used to fail ("File name too long").
    @Test func longNamesThatFitAreProcessed() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            long=$(printf 'x%.0s' $(seq 250)); longer=$(printf 'y%.0s' $(seq 252))
            seq 1 1000 > orig && cp orig $long && cp orig $longer
            "$BALE" gzip $long; echo "gzip=$?"; gzip -dc $long.gz | cmp - orig && echo "compressed"
            "$BALE" gunzip $long.gz; echo "gunzip=$?"; cmp $long orig && echo "decompressed"
            mkdir d && mv $longer d/ && "$BALE" gzip -r d; echo "gzip -r=$?"
            gzip -dc d/$longer.gz | cmp - orig && echo "compressed in the tree"
            ls -A . d | grep -c bale- || true
            """#)
        #expect(run.stdout == """
            gzip=0
            compressed
            gunzip=0
            decompressed
            gzip -r=0
            compressed in the tree
            0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A name with no compressed suffix given to gunzip, and `-q` against
    /// `-v`, as GNU gzip 1.12 judges them, run side by side with it: `-q`
    /// passes the name over in silence with status 0 (bale said nothing
    /// and exited 2); with `-r` it is silent but for `-v` (a warning, 2:
    /// bale said nothing, 0); the last of `-q` and `-v` counts (bale's
    /// `--verbose --quiet` was verbose); `gunzip a` finds `a.Z` too.
    @Test func unknownSuffixesAndQuietAgainstVerboseAsGzip() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            for tool in gzip "$BALE gzip"; do
                rm -rf w && mkdir w && cd w
                echo plain > x && mkdir d && echo plain > d/x && seq 1 9 | gzip > d/y.gz
                for flags in "-d" "-dq" "-dqv" "-dvq" "-d --verbose --quiet" "-d --quiet --verbose" "-d --silent" \
                             "-dr" "-drv" "-drq" "-dt" "-drtv"; do
                    target=x; case "$flags" in *r*) target=d;; esac
                    $tool $flags $target 2> err; status=$?
                    echo "$flags: $status $(grep -c 'unknown suffix' err)"
                    [ -e d/y ] && gzip d/y
                done
                seq 1 5 | gzip > a.Z && $tool -d a && cat a
                cd ..
            done
            """#)
        let halves = run.stdout.components(separatedBy: "-d: ")
        #expect(halves.count == 3 && halves[1] == halves[2], "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("-dq: 0 0\n-dqv: 2 1\n-dvq: 0 0\n"), "\(run.stdout)\(run.stderr)")
    }

    /// `-v`'s lines as GNU gzip 1.12 prints them, side by side with it:
    /// the ratio as `%5.1f%%`, then `-- created NAME` (`-k`), `-- replaced
    /// with NAME`, `-- replaced with stdout` (`-c`), the ratio alone for
    /// standard input, nothing for standard input decompressed, ` OK` for
    /// it tested; `gzip -r` alike. bale printed `x:\t0.0%`, with no words
    /// after it for `-k` and `-c`, `stdin:` for standard input, and
    /// `written to` for `-r -k`. The ratios are compared for an empty file
    /// only (the codecs differ); the rest of each line must be gzip's.
    @Test func verboseLinesAsGzip() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            for tool in gzip "$BALE gzip"; do
                rm -rf w && mkdir w && cd w && seq 1 20000 > x && : > e
                {
                    $tool -kv x; $tool -cv x > /dev/null; $tool -v < x > /dev/null
                    $tool -dkvf x.gz; $tool -dcv x.gz > /dev/null; $tool -tv x.gz; $tool -tv < x.gz
                    $tool -dv < x.gz > /dev/null; mv x.gz y.gz; $tool -dv y.gz
                    mkdir d && cp x d/a && $tool -rkv d && rm d/a.gz && $tool -rv d
                    $tool -v e; $tool -dv e.gz
                } 2>&1 | sed 's/ [1-9][0-9]\.[0-9]%/ NN.N%/' > ../lines.$(echo $tool | wc -w)
                cd ..
            done
            cmp lines.1 lines.2 && echo "the same lines" || diff lines.1 lines.2
            cat lines.2
            """#)
        #expect(run.stdout == """
            the same lines
            x:\t NN.N% -- created x.gz
            x:\t NN.N% -- replaced with stdout
             NN.N%
            x.gz:\t NN.N% -- created x
            x.gz:\t NN.N% -- replaced with stdout
            x.gz:\t OK
             OK
            y.gz:\t NN.N% -- replaced with y
            d/a:\t NN.N% -- created d/a.gz
            d/a:\t NN.N% -- replaced with d/a.gz
            e:\t  0.0% -- replaced with e.gz
            e.gz:\t  0.0% -- replaced with e

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `gunzip -v`'s ratio as GNU gunzip's, to the decimal, of files of
    /// a few bytes to a few hundred kB, with a name stored or not: the
    /// first header and a trailer left out, as there and in `gzip -l`
    /// (bale counted them in: 45.2% where gunzip said 51.4%, -200.0% for
    /// -20.0%; a probe helper).
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func gunzipVerboseRatiosAsGzip() throws {
        let run = try Scratch().run(#"""
            printf 'abcde' > a && seq 100 > b && seq 50000 > c && head -c 3000 /dev/urandom > d
            for f in a b c d; do gzip -c $f > $f.gz; gzip -nc $f > $f.n.gz; done
            for tool in gzip "$BALE gzip"; do
                rm -rf w && mkdir w && cp *.gz w && cd w && $tool -dv *.gz 2>&1 | sort > ../$(echo $tool | wc -w) && cd ..
            done
            diff 1 2 && echo "the same lines: $(wc -l < 2)"
            """#)
        #expect(run.stdout == "the same lines: 8\n", "\(run.stdout)\(run.stderr)")
    }

    /// Files passed over by their mode, as GNU gzip 1.12 passes them over,
    /// run side by side with it: a setuid or setgid file even with -f
    /// (bale's -f compressed it, and the .gz kept the setuid bit), a
    /// sticky one without -f; with -f a sticky file's .gz is a plain file.
    @Test func specialModesAsGzip() throws {
        let run = try Scratch().run(#"""
            for tool in gzip "$BALE gzip"; do
                for mode in 4755 2755 1755; do
                    for force in "" -f; do
                        rm -rf w && mkdir w && seq 1000 > w/a && chmod $mode w/a
                        $tool $force w/a 2> /dev/null; echo "$mode $force: $? $(stat -c %a w/a* | tr '\n' ' ')"
                        rm -rf w && mkdir -p w/d && seq 1000 > w/d/a && chmod $mode w/d/a
                        $tool -r $force w/d 2> /dev/null; echo "-r $mode $force: $? $(stat -c %a w/d/a* | tr '\n' ' ')"
                    done
                done > $(echo $tool | wc -w).out
            done
            cmp 1.out 2.out && echo "as gzip" || diff 1.out 2.out
            grep -c ': 2 ' 2.out
            """#)
        #expect(run.stdout == "as gzip\n10\n", "\(run.stdout)\(run.stderr)")
    }

    /// `-S SUF` that is the tail of a built-in suffix is tried after them,
    /// as GNU gzip's `get_suffix` tries it, and a .tgz or .taz becomes .tar
    /// whichever suffix matched it: `gunzip -S z a.gz` made `a.g` and
    /// `gunzip -S .tgz c.tgz` made `c` (a probe helper). Each case run by
    /// GNU gunzip and by bale in twin directories: the same names, the same
    /// status; and compressing, the same suffix named as already there.
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func aSuffixGivenIsTriedAsGzipTriesIt() throws {
        let run = try Scratch().run(#"""
            cases='z:a.gz gz:b.tgz z:x.taz gz:y-gz tgz:t.tgz .tgz:c.tgz .TGZ:u.TGZ .xyz:f.xyz _z:h_z .gz:g.gz az:w.taz'
            for tool in gnu bale; do
                mkdir $tool && cd $tool
                for c in $cases; do
                    suffix=${c%%:*} name=${c#*:}
                    mkdir "$name.d" && seq 100 | gzip -n > "$name.d/$name"
                    if [ $tool = gnu ]; then gunzip -S "$suffix" "$name.d/$name"; else "$BALE" gunzip -S "$suffix" "$name.d/$name"; fi
                    echo "$c $? $(ls "$name.d")"
                done > ../$tool.txt
                cd ..
            done
            diff gnu.txt bale.txt && echo "alike: $(wc -l < bale.txt)"
            seq 10 > a && gzip -n a && "$BALE" gzip -S z a.gz; echo "status $?"
            """#)
        #expect(run.stdout == """
            alike: 11
            status 0

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("a.gz already has .gz suffix -- unchanged"), "\(run.stderr)")
    }

    /// What gzip says whatever `-q`, and how it names a FILE that is not
    /// there: `gzip -q a` beside an `a.gz` said nothing in bale (exit 2 in
    /// both), GNU gzip "a.gz already exists; not overwritten"; `gunzip
    /// missing` named `missing`, gzip the `missing.gz` it looked for
    /// (`-S .z`: `missing.z`; a name with a suffix as it is).
    @Test func quietAndMissingNamesAsGzip() throws {
        let run = try Scratch().run(#"""
            mkdir g b && for d in g b; do echo a > $d/a && echo old > $d/a.gz; done
            ( cd g && gzip -q a < /dev/null 2> ../g.err; echo "gzip -q: $?" )
            ( cd b && "$BALE" gzip -q a 2> ../b.err; echo "bale -q: $?" )
            grep -c 'a.gz already exists' g.err b.err; cat b/a.gz
            for args in "missing" "-q missing" "-S .z missing" "-t nothere" "x.gz"; do
                g=$(gunzip $args 2>&1); gs=$?; b=$("$BALE" gunzip $args 2>&1); bs=$?
                [ "${g#gzip: }" = "${b#bale: }" ] && [ $gs = $bs ] && echo "$args: $b, $bs" || echo "$args: gzip '$g' $gs, bale '$b' $bs"
            done
            """#)
        #expect(run.stdout == """
            gzip -q: 2
            bale -q: 2
            g.err:1
            b.err:1
            old
            missing: bale: missing.gz: No such file or directory, 1
            -q missing: bale: missing.gz: No such file or directory, 1
            -S .z missing: bale: missing.z: No such file or directory, 1
            -t nothere: bale: nothere.gz: No such file or directory, 1
            x.gz: bale: x.gz: No such file or directory, 1

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `..gz` decompresses to `.`, the directory itself: "already exists"
    /// (exit 2), as GNU gzip -dr says, and as bale said without -r. With
    /// -r bale tried to write it, "write error: Is a directory", exit 1 (a
    /// probe helper): a directory's listing leaves out "." and "..".
    @Test func aNameWhoseOutputIsTheDirectoryItselfExists() throws {
        let run = try Scratch().run(#"""
            for tool in gnu bale; do mkdir $tool && echo hi | gzip > $tool/..gz; done
            gzip -dr gnu 2> /dev/null; echo "GNU gzip -dr: $?"
            "$BALE" gunzip -r bale; echo "bale gunzip -r: $? $(ls -A bale)"
            """#)
        #expect(run.stdout == "GNU gzip -dr: 2\nbale gunzip -r: 2 ..gz\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == "bale: bale/. already exists;\tnot overwritten\n", "\(run.stderr)")
    }
}
