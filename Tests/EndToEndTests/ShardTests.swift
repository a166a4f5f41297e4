import Foundation
import Testing

/// `--shard K/N`: for N = 1, 3 and 7, the parts 1 … N of a tree together
/// hold every file exactly once, in pack, gzip -r and sum.
@Suite struct ShardTests {
    @Test(arguments: [1, 3, 7])
    func thePartsCoverTheTreeOnce(parts: Int) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/a/b t/c && for i in $(seq 1 60); do seq 1 $i > t/a/f$i; seq 2 $i > t/c/g$i; done
            seq 1 9 > t/a/b/deep && ln t/a/f1 t/c/hard && ln -s f2 t/a/link
            (cd t && find . ! -type d | sed 's|^\\./||' | sort) > all
            n=\(parts)
            for k in $(seq 1 $n); do
                "$BALE" pack --shard $k/$n t -o part$k.tar.gz || echo "pack $k failed"
                tar -tzf part$k.tar.gz | grep -v '/$' | sed 's|^t/||'
            done | sort > packed
            for k in $(seq 1 $n); do
                "$BALE" gzip -r -k --shard $k/$n --out-dir out$k t 2> /dev/null  # warns of the link: exit 2
                [ $? -le 2 ] || echo "gzip $k failed"
                (cd out$k/t && find . -type f | sed 's|^\\./||; s|\\.gz$||')
            done | sort > compressed
            for k in $(seq 1 $n); do "$BALE" sum --shard $k/$n t || echo "sum $k failed"; done | sort > summed
            "$BALE" sum t | sort > whole
            cmp packed all && echo "pack: every entry once"
            grep -v link all | cmp - compressed && echo "gzip -r: every file once"  # links are not followed
            cmp summed whole && echo "sum: every file once"
            mkdir x && for k in $(seq 1 $n); do "$BALE" unpack part$k.tar.gz -C x; done && diff -r t x/t && echo "the parts unpack to the tree"
            """)
        #expect(run.stdout == """
            pack: every entry once
            gzip -r: every file once
            sum: every file once
            the parts unpack to the tree

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The parts of one run at once, as the README's `parallel` example
    /// runs them, each removing what it takes (`gzip -r`, `pack
    /// --remove-files`): a part walking the tree found the others' files
    /// gone between listing a directory and examining each name, and
    /// reported hundreds ("No such file or directory", gzip -r exit 1; pack
    /// exit 2, and then removed none of its own files). Now a gone entry
    /// of another part (or another part's temporary output) is passed over:
    /// each part exits 0 and says nothing, and together they take every file.
    @Test func partsRunAtOnceWhileEachRemovesItsFiles() throws {
        let run = try Scratch().run(#"""
            mkdir cc pr && (cd cc && seq 1 20000 | xargs touch) && (cd pr && seq 1 20000 | xargs touch)
            "$BALE" gzip -r -p 1 --shard 2/3 cc 2> g2.err & part=$!
            for i in $(seq 1 1000); do ls cc | grep -q '[.]gz$' && break; sleep 0.01; done
            kill -0 $part 2> /dev/null && overlap=yes || overlap=no
            "$BALE" gzip -r -p 1 --shard 1/3 cc 2> g1.err; echo "gzip part 1: $?"; wait; echo "gzip part 2: $?"
            "$BALE" gzip -r -p 1 --shard 3/3 cc; echo "gzip part 3: $?"
            echo "left uncompressed: $(ls cc | grep -vc '[.]gz$') $(cat g1.err g2.err | wc -l)"
            "$BALE" pack -p 1 --remove-files --shard 2/3 pr -o pr2.tgz 2> p2.err & part=$!
            for i in $(seq 1 1000); do ls -A | grep -q 'pr2.tgz.bale-' && break; sleep 0.01; done
            kill -0 $part 2> /dev/null && overlap="$overlap yes" || overlap="$overlap no"
            "$BALE" pack -p 1 --remove-files --shard 1/3 pr -o pr1.tgz 2> p1.err; echo "pack part 1: $?"; wait; echo "pack part 2: $?"
            "$BALE" pack -p 1 --remove-files --shard 3/3 pr -o pr3.tgz; echo "pack part 3: $?"
            echo "left: $(ls pr | wc -l) $(cat p1.err p2.err | wc -l) $(for k in 1 2 3; do tar -tzf pr$k.tgz; done | grep -vc '/$')"
            echo "part 2 still running when part 1 began: $overlap"
            """#)
        #expect(run.stdout == """
            gzip part 1: 0
            gzip part 2: 0
            gzip part 3: 0
            left uncompressed: 0 0
            pack part 1: 0
            pack part 2: 0
            pack part 3: 0
            left: 0 0 20000
            part 2 still running when part 1 began: yes yes

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A pipe or device given to `sum --shard` was hashed by every part (a
    /// line in each part's manifest); it is in one part, by its path, as
    /// `-` is. A link or FIFO inside a `gzip -r --shard` tree was warned of
    /// by every part (each exit 2): one part now, as `pack --shard` stores it.
    @Test func whatIsNotARegularFileIsInOnePart() throws {
        let run = try Scratch().run(#"""
            echo hello > f && mkdir g && echo a > g/a && ln -s a g/sl && mkfifo g/ff
            for k in 1 2 3; do "$BALE" sum --shard $k/3 /dev/null f < /dev/null; done | awk '{print $2}' | sort | paste -sd ' '
            for k in 1 2 3; do "$BALE" gzip -r -k --shard $k/3 g 2>> err; echo "$k: $?"; done | paste -sd ' '
            sort err
            """#)
        #expect(run.stdout.hasPrefix("/dev/null f\n"), "\(run.stdout)\(run.stderr)")
        let statuses = run.stdout.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
        #expect(statuses.split(separator: " ").filter { $0.hasSuffix("2") }.count <= 2, "\(run.stdout)")
        #expect(run.stdout.hasSuffix("""
            bale: g/ff is not a directory or a regular file - ignored
            bale: g/sl is a symbolic link -- ignored

            """), "\(run.stdout)\(run.stderr)")
    }

    /// `pack --shard` warned of a socket, a dangling link (`-h`) or an
    /// unreadable directory in every part, each part's exit status 2
    /// (a probe helper); now the part whose name it is, as `gzip -r
    /// --shard` does: the parts together say what one run says.
    @Test(.enabled(if: Machine.isRoot, "needs root to run bale as nobody (setpriv), for a directory it cannot read"))
    func packPartsWarnOnceOfEachEntry() throws {
        let run = try Scratch().run(#"""
            mkdir -p t/d t/locked && for i in $(seq 30); do echo $i > t/d/f$i; done && echo x > t/locked/x
            ln -s nowhere t/dangling && chmod 000 t/locked && chmod 777 .
            python3 -c "import socket; socket.socket(socket.AF_UNIX).bind('t/sock')"
            # nobody may not reach the build directory (a clone in a 0700 mktemp -d): run a copy
            cp "$BALE" ./bale-copy && chmod 755 ./bale-copy
            for k in 1 2 3; do
                setpriv --reuid=nobody --regid=nogroup --clear-groups ./bale-copy pack -h --shard $k/3 t -o /dev/null 2> err$k
                status=$?
                # 2 from a part that left something out; a socket is a notice, as GNU tar's (0)
                grep -q Cannot err$k && want=2 || want=0
                [ $status = $want ] || echo "part $k: exit $status"
            done
            sort err1 err2 err3
            """#)
        #expect(run.stdout == """
            bale: t/dangling: Cannot stat: No such file or directory
            bale: t/locked: Cannot open: Permission denied
            bale: t/sock: socket ignored

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The parts of a `pack --shard` run are given the same arguments, but
    /// they all took one default name: every part after the first failed
    /// ("already exists; not overwritten (use -f or -o)"), and with that
    /// `-f` each replaced the archive before it, its files in none, every
    /// exit 0 (a probe helper). Each part's default name is NAME-K.tar.gz.
    @Test func eachPackPartHasADefaultNameOfItsOwn() throws {
        let run = try Scratch().run(#"""
            mkdir t && for i in $(seq 40); do echo $i > t/f$i; done
            for k in 1 2 3; do "$BALE" pack --shard $k/3 t; echo "$k: $?"; done | paste -sd ' '
            ls *.tar.gz | paste -sd ' '
            for k in 1 2 3; do tar -tzf t-$k.tar.gz; done | grep -v '/$' | sort -u | wc -l
            "$BALE" pack --shard 1/1 t && ls t.tar.gz
            """#)
        #expect(run.stdout == """
            1: 0 2: 0 3: 0
            t-1.tar.gz t-2.tar.gz t-3.tar.gz
            40
            t.tar.gz

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The parts' default archives inside a tree they pack (`pack --shard
    /// K/N .`: archive-K.tar.gz in the directory packed): each later part
    /// stored the archives of the parts before it, and with --remove-files
    /// removed them, every exit 0 (a probe helper). Refused, nothing
    /// written or removed; -o outside the tree, or a tree beside the
    /// default name (`pack --shard K/N t`), packs as before.
    @Test func thePartsDefaultArchivesInsideTheTreeAreRefused() throws {
        let run = try Scratch().run(#"""
            mkdir t && for i in $(seq 20); do echo $i > t/f$i; done
            cd t
            for k in 1 2; do "$BALE" pack --remove-files --shard $k/4 . 2> ../err; echo "$k: $? $(grep -c 'would lie inside' ../err)"; done
            ls | wc -l
            "$BALE" pack --shard 1/2 .. 2> ../err; echo "..: $? $(grep -c 'would lie inside \.\.,' ../err)"
            for k in 1 2; do "$BALE" pack --remove-files --shard $k/2 . -o ../p$k.tgz; echo "-o: $?"; done
            cd .. && ls t | wc -l
            for k in 1 2; do tar -tzf p$k.tgz; done | grep -c '^\./f'
            """#)
        #expect(run.stdout == """
            1: 1 1
            2: 1 1
            20
            ..: 1 1
            -o: 0
            -o: 0
            0
            20

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Outputs named for the parts (`-o`, `--manifest`) inside a tree they
    /// walk: `gzip -r --shard K/3 --manifest t/m-K.sha256 t` ran three
    /// parts, exit 0 each, and part 1's manifest was compressed and removed
    /// by a later part; `pack --shard K/N t -o t/p-K.tgz` stored each
    /// part's archive in the next (a probe helper). Refused, nothing
    /// written; a name `--exclude` leaves out (the Slurm sample's
    /// manifests), or one outside, is written as before.
    @Test func thePartsNamedOutputsInsideTheTreeAreRefused() throws {
        let run = try Scratch().run(#"""
            mkdir -p t/sub && for i in $(seq 20); do echo $i > t/f$i; done
            for k in 1 2; do "$BALE" gzip -r -k --shard $k/2 --manifest t/m-$k.sha256 t 2>> err; echo "gzip -r: $?"; done
            for k in 1 2; do "$BALE" pack --shard $k/2 t -o ./t/sub/p-$k.tgz 2>> err; echo "pack -o: $?"; done
            for k in 1 2; do "$BALE" pack --shard $k/2 -C t . -o p-$k.tgz --manifest t/../t/m$k 2>> err; echo "pack --manifest: $?"; done
            grep -c 'would lie inside t, which the parts walk: the other parts would take it' err
            grep -c 'would lie inside \., which' err
            find t -name '*.gz' -o -name 'm*' -o -name '*.tgz' | wc -l; ls p-*.tgz 2> /dev/null | wc -l
            for k in 1 2; do "$BALE" gzip -r -k --shard $k/2 --manifest t/.part-$k --exclude '.part-*' t; echo "excluded: $?"; done
            cat t/.part-* | wc -l
            for k in 1 2; do "$BALE" pack --shard $k/2 t -o t/sub/p-$k.tgz --exclude sub; echo "in a directory excluded: $?"; done
            for k in 1 2; do tar -tzf t/sub/p-$k.tgz; done | grep -c '/f[0-9]*$'
            """#)
        #expect(run.stdout == """
            gzip -r: 1
            gzip -r: 1
            pack -o: 1
            pack -o: 1
            pack --manifest: 1
            pack --manifest: 1
            4
            2
            0
            0
            excluded: 0
            excluded: 0
            20
            in a directory excluded: 0
            in a directory excluded: 0
            20

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The rule of `thePartsNamedOutputsInsideTheTreeAreRefused` judges a
    /// name as the walk meets it (a probe helper found both ways round
    /// wrong): under `-C t .` a glob `t` on the output's path excluded
    /// nothing the walk names (`./a1.tgz`), so the parts stored each
    /// other's archives, exit 0; a glob on the walked path (`t/a*.tgz`,
    /// `*/m*.sha`), which the walk honours as tar does, was refused.
    /// Standard output redirected into the tree (`-o - > t/a1.tgz`,
    /// `--manifest -`, `sum --shard K/N t > t/S1`) is judged by its file.
    @Test func thePartsOutputsAreJudgedAsTheWalkMeetsThem() throws {
        let run = try Scratch().run(#"""
            mkdir -p t/sub out && for i in $(seq 20); do echo $i > t/f$i; done
            "$BALE" pack --shard 1/2 -C t . -o t/a1.tgz --exclude t 2>> err; echo "-C t . --exclude t: $?"
            "$BALE" pack --shard 1/2 t --exclude 't/a*.tgz' -o t/a1.tgz; echo "--exclude t/a*.tgz: $?"
            "$BALE" gzip -rk --shard 1/2 t --exclude '*/m*.sha' --manifest t/m1.sha; echo "--exclude */m*.sha: $?"
            "$BALE" pack --shard 1/2 t --exclude t/sub -o t/sub/a1.tgz; echo "--exclude t/sub: $?"
            rm -f t/a1.tgz t/m1.sha t/sub/a1.tgz; find t -name '*.gz' -delete
            "$BALE" pack --shard 1/2 t -o - > t/a1.tgz 2>> err; echo "-o - > t/a1.tgz: $?"
            "$BALE" gzip -rk --shard 1/2 t --manifest - > t/m1.sha 2>> err; echo "--manifest - > t/m1.sha: $?"
            "$BALE" sum --shard 1/2 t > t/S1 2>> err; echo "sum > t/S1: $?"
            "$BALE" sum --shard 1/2 t > out/S1; echo "sum > out/S1: $?"
            grep -c 'would lie inside' err; grep -c '^bale: standard output (/.*/t/S1) would lie inside t,' err
            """#)
        #expect(run.stdout == """
            -C t . --exclude t: 1
            --exclude t/a*.tgz: 0
            --exclude */m*.sha: 0
            --exclude t/sub: 0
            -o - > t/a1.tgz: 1
            --manifest - > t/m1.sha: 1
            sum > t/S1: 1
            sum > out/S1: 0
            4
            1

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A path given that is not there fails every part where no part
    /// removes anything (`gzip -r -k`, `-c`, `-t`, `--out-dir`), as in
    /// `sum` and `pack`: only the part its name hashed to failed, the
    /// others exit 0 having done nothing (a probe helper: a mistyped
    /// /data/logs in a Slurm array, N-1 tasks "done").
    @Test func aPathNotThereFailsEveryPartThatRemovesNothing() throws {
        let run = try Scratch().run(#"""
            mkdir t && echo 1 > t/f && gzip -k t/f
            for args in "-rk" "-rc" "-rt" "-rdk"; do
              for k in 1 2 3 4; do "$BALE" gzip $args --shard $k/4 nothere t > /dev/null 2> err; printf "%s " "$?:$(grep -c 'nothere: No such file' err)"; done
              echo "$args"
            done
            """#)
        #expect(run.stdout == """
            1:1 1:1 1:1 1:1 -rk
            1:1 1:1 1:1 1:1 -rc
            1:1 1:1 1:1 1:1 -rt
            1:1 1:1 1:1 1:1 -rdk

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `gzip -r --shard` of `d/` took another part than `d` and `./d` (its
    /// files were `d//f` to the shard's hash, `d/f` where it named them);
    /// now the same, as pack's and sum's.
    @Test func aTrailingSlashDoesNotChangeThePart() throws {
        let run = try Scratch().run(#"""
            mkdir -p orig/a && for i in $(seq 40); do echo $i > orig/f$i; echo $i > orig/a/x$i; done
            for spelling in g g/ ./g g//; do
                rm -rf g && cp -a orig g && "$BALE" gzip -r --shard 1/3 "$spelling" && (cd g && find . -name '*.gz' | sort | md5sum)
            done | uniq | wc -l
            # sum prints the path as given: the part is taken on it as pack
            # stores it (parts given ./g and g hashed some files twice).
            for spelling in g ./g g/ g//; do
                "$BALE" sum --shard 2/3 "$spelling" | sed 's|  [./]*g/*|  g/|' | md5sum
            done | uniq | wc -l
            """#)
        #expect(run.stdout == "1\n1\n", "\(run.stdout)\(run.stderr)")
    }
}
