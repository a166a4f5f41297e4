import Foundation
import Testing

/// `bale gzip -r` and `bale gunzip -r`: every file of a tree, each checked
/// with the system's gzip; trees restored exactly; interrupted runs finish.
@Suite struct RecursiveTests {
    /// A tree with the cases gzip -r must get right. The symbolic link and
    /// the two hard-linked names are skipped (with a warning), everything
    /// else is compressed.
    static let makeTree = #"""
        mkdir -p tree/a/b/c tree/empty-dir "tree/with space/ñandú"
        : > tree/empty
        : > tree/a/b/c/empty-too
        head -c 4194303 "$FIXTURES/mixed" > tree/a/chunk-minus-1
        head -c 4194304 "$FIXTURES/mixed" > tree/a/chunk
        head -c 4194305 "$FIXTURES/mixed" > tree/a/b/chunk-plus-1
        seq 1 5000 > "tree/with space/ñandú/text file.txt"
        printf 'newline\n' > "tree/a/new
        line"
        printf 'latin-1 name\n' > "tree/a/caf$(printf '\351')"
        seq 1 100 > tree/a/read-only && chmod 444 tree/a/read-only
        chmod 640 tree/empty; touch -d '2001-02-03 04:05:06.123456789' tree/a/chunk
        ln -s chunk tree/a/link
        seq 1 10 > tree/a/b/hard1 && ln tree/a/b/hard1 tree/a/b/hard2
        """#

    /// Lists, for every regular file under $1 not ending in .gz, whether
    /// $1/F.gz is missing or fails `gzip -t` or differs from $2/F.
    static let checkEveryGzip = #"""
        check_gz() { ( cd "$2" && find . -type f ! -name '*.gz' -links 1 -print0 ) | while IFS= read -r -d '' f; do
            [ -f "$1/$f.gz" ] || { echo "missing: $f.gz"; continue; }
            gzip -t "$1/$f.gz" 2>/dev/null || echo "gzip -t fails: $f.gz"
            gzip -dc "$1/$f.gz" | cmp -s - "$2/$f" || echo "differs: $f"
            [ "$(stat -c '%a %Y' "$1/$f.gz")" = "$(stat -c '%a %Y' "$2/$f")" ] || echo "mode or time: $f.gz"
          done; }
        """#

    /// The tree, a copy of it in orig/, and the two checks.
    static let treeAndCopy = """
        \(makeTree)
        \(checkEveryGzip)
        \(UnpackTests.compareTrees)
        cp -a tree orig
        """

    @Test(arguments: codecs)
    func compressesEveryFileAndRestoresTheTree(codec: String) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Self.treeAndCopy)
            "$BALE" gzip --codec \(codec) -r -p 2 tree 2> err; echo "gzip -r: $?"
            check_gz tree orig
            [ -z "$(find tree -type f ! -name '*.gz' -links 1)" ] && echo "inputs removed"
            [ -L tree/a/link ] && cmp tree/a/b/hard1 orig/a/b/hard1 && echo "link and hard links left"
            grep -c 'ignored\\|unchanged' err
            "$BALE" gunzip --codec \(codec) -r -p 2 tree 2>/dev/null; echo "gunzip -r: $?"
            # (directories' times changed as files came and went, as with gzip -r)
            ( cd orig && find . -type d ) | while IFS= read -r d; do touch -r "orig/$d" "tree/$d"; done
            compare orig tree
            """)
        #expect(run.stdout == "gzip -r: 2\ninputs removed\nlink and hard links left\n3\ngunzip -r: 2\ntrees equal\n",
                "\(run.stdout)\(run.stderr)")
    }

    /// A `gzip -r` and a `gunzip -r` of one tree at once, where `f` and
    /// `f.gz` stand side by side, the same content and time: each takes the
    /// other's input for its own finished output (the work of an
    /// interrupted run), and each removed its own input, both lost (a
    /// probe: without strace, 1 to 3 files of 1,202 a run). The pair is
    /// compared and the input removed under both files' locks
    /// (`GzipEquality.Pair`): the second run finds it taken and leaves it.
    /// strace holds each unlink so that both runs look before either removes.
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func aGzipAndAGunzipOfOneTreeAtOnceLoseNothing() throws {
        let run = try Scratch().run(#"""
            mkdir t && for n in 1 2 3; do seq $n 5000 > t/f$n && gzip -k t/f$n; done
            strace -f -qq -o /dev/null -e inject=unlink,unlinkat:delay_enter=1000000 "$BALE" gzip -r -q t & one=$!
            strace -f -qq -o /dev/null -e inject=unlink,unlinkat:delay_enter=1000000 "$BALE" gunzip -r -q t & two=$!
            wait $one $two
            for n in 1 2 3; do
                if [ -e t/f$n ]; then cmp t/f$n <(seq $n 5000) && echo "f$n kept"
                elif [ -e t/f$n.gz ]; then gzip -dc t/f$n.gz | cmp - <(seq $n 5000) && echo "f$n.gz kept"
                else echo "f$n lost"; fi
            done
            """#)
        let kept = run.stdout.split(separator: "\n").filter { $0.hasSuffix(" kept") }
        #expect(kept.count == 3, "\(run.stdout)\(run.stderr)")
    }

    /// A directory of the tree (or of `--out-dir`'s mirror) replaced by a
    /// symbolic link to elsewhere after the walk listed it gets no output:
    /// the output's directory, held open, must be the one listed. The
    /// output was written through the link, outside the tree (a probe;
    /// nothing lost, but a write where none was asked for). strace holds
    /// the first output's rename while the directory is swapped.
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func aDirectorySwappedForALinkGetsNoOutput() throws {
        let run = try Scratch().run(#"""
            for how in in-place out-dir; do
                rm -rf t pub outside && mkdir -p t/a t/d outside && echo one > t/a/f && echo two > t/d/g
                if [ $how = in-place ]; then set -- -r t && mirror=t; else set -- -r -k --out-dir pub t && mirror=pub/t; fi
                strace -f -qq -o /dev/null -e inject=rename,renameat,renameat2:delay_enter=1000000:when=1 \
                    "$BALE" gzip "$@" 2> err &
                for _ in $(seq 1 1500); do ls $mirror/a/.f.gz.bale-* > /dev/null 2>&1 && break; sleep 0.02; done
                mv $mirror/d $mirror/moved && ln -s "$PWD/outside" $mirror/d
                wait $!
                echo "$how: exit $? $(cat err) | outside: $(ls outside) | $(ls $mirror/a) | $(cat t/*/g)"
            done
            """#)
        #expect(run.stdout == """
            in-place: exit 1 bale: t/d/g: the output's directory was replaced since it was listed; not compressed | outside:  | f.gz | two
            out-dir: exit 1 bale: t/d/g: the output's directory was replaced since it was listed; not compressed | outside:  | f.gz | two

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `temporary_name PREFIX`: PREFIX (`.f.gz.bale-` and three letters)
    /// with the three check letters bale's temporary files end with
    /// (`AtomicOutputFile.isTemporaryName`).
    static let temporaryName = #"""
        temporary_name() { python3 -c '
        import sys
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        base, h = sys.argv[1], 0xcbf29ce484222325
        for c in base.encode(): h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
        check = ""
        for _ in range(3): check += letters[h % 62]; h //= 62
        print(base + check)' "$1"; }
        """#

    /// A temporary file of bale's (its check letters right) whose input
    /// cannot be told (here: gone) is left out with a notice, as pack
    /// leaves one out, never compressed as an input: it was, and one whose
    /// name was cut to fit 255 bytes then failed every later run (its
    /// output's name too long, exit 1) and stayed.
    @Test func aTemporaryFileWithoutItsInputIsNotCompressed() throws {
        let run = try Scratch().run(#"""
            mkdir t && echo x > t/keep
            \#(Self.temporaryName)
            name=$(temporary_name .gone.gz.bale-QrS)
            echo partial > "t/$name"
            "$BALE" gzip -r t 2> err; echo "status $?"; sed "s/$name/TEMP/" err
            ls -A t | sed "s/$name/TEMP/"
            "$BALE" gunzip -r t 2> err; echo "status $?"; sed "s/$name/TEMP/" err
            """#)
        #expect(run.stdout == """
            status 0
            bale: t/TEMP: a temporary file of another bale run (killed, or still writing); not compressed
            TEMP
            keep.gz
            status 0
            bale: t/TEMP: a temporary file of another bale run (killed, or still writing); not decompressed

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A walk that changes nothing (`-c`, and `gunzip -rcf`, which takes
    /// every file) leaves another run's temporary file out too, with the
    /// notice, and leaves it where it is: `gzip -rc t > backup.gz` after a
    /// killed `gzip -r t` carried the half-made output into the stream as
    /// a file of the tree, exit 0 (a probe helper). Its input is there, so
    /// a `gzip -r` would remove it as a leftover.
    @Test func aWalkThatChangesNothingLeavesOutTemporaryFiles() throws {
        let run = try Scratch().run(#"""
            mkdir t && seq 1000 > t/zbig && echo x > t/keep
            \#(Self.temporaryName)
            name=$(temporary_name .zbig.gz.bale-QrS)
            seq 500 | gzip > "t/$name"
            "$BALE" gzip -rc t > all.gz 2> err; echo "gzip -rc $?"; sed "s/$name/TEMP/" err
            [ "$(gzip -dc all.gz | wc -c)" = "$(cat t/keep t/zbig | wc -c)" ] && echo "the tree's files alone"
            "$BALE" gunzip -rcf t > out 2> err; echo "gunzip -rcf $?"; sed "s/$name/TEMP/" err
            ls -A t | sed "s/$name/TEMP/" | tr '\n' ' '; echo
            """#)
        #expect(run.stdout == """
            gzip -rc 0
            bale: t/TEMP: a temporary file of another bale run (killed, or still writing); not compressed
            the tree's files alone
            gunzip -rcf 0
            bale: t/TEMP: a temporary file of another bale run (killed, or still writing); not decompressed
            TEMP keep zbig\u{20}

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func gzipRulesForExistingOutputsAndSuffixes() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir t && seq 1 1000 > t/x && gzip -k t/x && cp t/x.gz x.gz.before
            seq 1 2000 > t/y && echo "not y" > t/y.gz
            "$BALE" gzip -r t 2> err; echo "status=$?"
            # x.gz (from gzip -k: x's content and time) already does x's job: x goes
            cmp t/x.gz x.gz.before && [ ! -e t/x ] && echo "x.gz left as it was, x removed"
            [ "$(cat t/y.gz)" = "not y" ] && [ -f t/y ] && echo "y.gz not overwritten"
            grep -q 't/y.gz already exists' err && echo "said so"
            "$BALE" gzip -r -f -k t; echo "-f -k: $?"
            gzip -dc t/y.gz | cmp - t/y && echo "y.gz replaced, y kept"
            mkdir s && seq 1 10 > s/a && echo z > s/b.z
            "$BALE" gzip -r -S .z s && [ -f s/a.z ] && [ ! -e s/a ] && [ "$(cat s/b.z)" = z ] && echo "-S .z"
            """)
        #expect(run.stdout == """
            status=2
            x.gz left as it was, x removed
            y.gz not overwritten
            said so
            -f -k: 0
            y.gz replaced, y kept
            -S .z

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func outDirMirrorsTheTreeAndLeavesTheSource() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Self.treeAndCopy)
            "$BALE" gzip -r -p 2 --out-dir mirror tree 2>/dev/null; echo "status=$?"
            compare orig tree
            # with --out-dir the inputs stay, so hard-linked files are compressed too
            ( cd tree && find . -type f ! -name '*.gz' | wc -l ) > wanted
            [ "$(find mirror -name '*.gz' | wc -l)" = "$(cat wanted)" ] && echo "one .gz per file"
            check_gz mirror/tree orig
            "$BALE" gunzip -r --out-dir back mirror; echo "status=$?"
            [ -z "$(cd back/mirror/tree && find . -type f -print0 | while IFS= read -r -d '' f; do cmp -s "$f" "../../../orig/$f" || echo "$f"; done)" ] \\
              && [ "$(find back -type f | wc -l)" = "$(cat wanted)" ] && echo "restored"
            """)
        #expect(run.stdout == "status=2\ntrees equal\none .gz per file\nstatus=0\nrestored\n", "\(run.stdout)\(run.stderr)")
    }

    /// Two trees given whose files would land in one place of the mirror:
    /// `--out-dir` keeps a path as an archive stores it (no "../"), so
    /// `../d` and `d` are both DIR/d, and with -f the second tree's files
    /// replaced the first's, exit 0. Refused before anything is written
    /// (exit 1), as is a tree inside the other's mirror, however the paths
    /// are spelled (`d/./sub`, `../d//sub`); trees that do not meet, and a
    /// path inside another given (walked once, or twice for the same files
    /// with `--include`), still work.
    @Test func outDirRefusesTwoTreesForOnePlace() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p w/d/sub d/sub e && echo outer > d/a && echo s > d/sub/s && echo e > e/x && echo inner > w/d/a && cd w
            "$BALE" gzip -r -f --out-dir o ../d d; echo "status=$?"
            "$BALE" gunzip -r --out-dir o ../d d; echo "status=$?"
            "$BALE" gzip -r --out-dir o d ../d/sub; echo "status=$?"
            "$BALE" gzip -r --out-dir o d/./sub ../d//sub; echo "status=$?"
            [ -e o ] || echo "nothing written"
            "$BALE" gzip -r -k --include 'a*' --out-dir n d d/sub; echo "nested with --include: $?"
            "$BALE" gzip -r --out-dir o ../e d d/sub ./d; echo "status=$?"
            find o -type f | sort
            """)
        #expect(run.stdout == """
            status=1
            status=1
            status=1
            status=1
            nothing written
            nested with --include: 0
            status=0
            o/d/a.gz
            o/e/x.gz

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("bale: --out-dir: ../d and d would be written to the same place in o; nothing done"),
                "\(run.stderr)")
    }

    /// A mirror directory `--out-dir` cannot create (here a directory
    /// nobody may not write) was reported for every file as the output's
    /// "write error: No such file or directory", not the cause. Each file
    /// now names the directory and the reason; nothing is written, the
    /// inputs stay, exit 1.
    @Test(.enabled(if: Machine.isRoot && Machine.has("setpriv"), "running as nobody needs root and setpriv"))
    func outDirNamesWhyADirectoryCannotBeMade() throws {
        let run = try Scratch().run(#"""
            chmod 777 . && mkdir -p d/sub o && echo a > d/a && echo s > d/sub/s && chmod -R a+rwX d && chmod 755 o
            cp "$BALE" ./bale-copy && chmod 755 ./bale-copy
            setpriv --reuid=nobody --regid=nogroup --clear-groups ./bale-copy gzip -r --out-dir o d 2> err; echo "status=$?"
            sort err; find o d -type f | sort
            """#)
        #expect(run.stdout == """
            status=1
            bale: d/a: cannot create the output's directory o/d: Permission denied
            bale: d/sub/s: cannot create the output's directory o/d: Permission denied
            d/a
            d/sub/s

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `gunzip -r FILE` where only FILE.gz exists decompresses FILE.gz, as
    /// `gunzip FILE` does and GNU `gzip -d -r FILE` does (it failed, "No
    /// such file or directory", exit 1); a name that is neither still fails.
    @Test func gunzipRTakesFileGzForAMissingFile() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir d g && echo hi | gzip > d/a.gz && cp d/a.gz g/a.gz && echo ho | gzip > d/b.gz
            gzip -d -r g/a; echo "gzip: $? $(cat g/a)"
            "$BALE" gunzip -r d/a; echo "bale: $? $(cat d/a)"
            "$BALE" gzip -t -r d/b; echo "-t: $?"
            "$BALE" gunzip -r d/zz 2> /dev/null; echo "missing: $?"
            """)
        #expect(run.stdout == "gzip: 0 hi\nbale: 0 hi\n-t: 0\nmissing: 1\n", "\(run.stdout)\(run.stderr)")
    }

    @Test func selectionForBatchJobs() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/logs t/skip && for n in 1 2 3; do seq 1 2000 > t/logs/day$n.log; done
            seq 1 10 > t/logs/tiny.log; seq 1 2000 > t/logs/notes.txt; seq 1 2000 > t/skip/x.log
            touch -d '3 days ago' t/logs/day1.log t/logs/day2.log t/logs/tiny.log
            "$BALE" gzip -r -k --include '*.log' --exclude skip --min-size 1K --older-than 2d t; echo "status=$?"
            ( cd t && find . -name '*.gz' | sort )
            rm t/logs/*.gz
            printf 't/logs/day3.log\\0t/logs/notes.txt\\0' | "$BALE" gzip -k -r --files-from - --null; echo "status=$?"
            ( cd t && find . -name '*.gz' | sort )
            """)
        #expect(run.stdout == """
            status=0
            ./logs/day1.log.gz
            ./logs/day2.log.gz
            status=0
            ./logs/day3.log.gz
            ./logs/notes.txt.gz

            """, "\(run.stdout)\(run.stderr)")
    }

    /// An output that cannot be made (a directory the user cannot write to)
    /// is an error naming it; its input stays, the other files are done.
    @Test(.enabled(if: Machine.isRoot, "needs root to make the tree and run bale as nobody (setpriv)"))
    func anUnwritableDirectoryIsAnErrorAndLosesNothing() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/ro t/rw && seq 1 1000 > t/ro/f && seq 1 1000 > t/rw/g && cp t/ro/f f.orig
            chown -R nobody t && chmod 555 t/ro && chmod 755 . t
            # nobody may not reach the build directory (a clone in a 0700 mktemp -d): run a copy
            cp "$BALE" ./bale-copy && chmod 755 ./bale-copy
            setpriv --reuid=nobody --regid=nogroup --clear-groups "$PWD/bale-copy" gzip -r t 2> err; echo "status=$?"
            grep -q 't/ro/f.gz: Permission denied' err && echo "names the output and the cause"
            cmp t/ro/f f.orig && [ -z "$(ls -A t/ro | grep -v '^f$')" ] && echo "input kept, nothing left beside it"
            gzip -t t/rw/g.gz && [ ! -e t/rw/g ] && echo "the other file done"
            """)
        #expect(run.stdout == "status=1\nnames the output and the cause\ninput kept, nothing left beside it\nthe other file done\n",
                "\(run.stdout)\(run.stderr)")
    }

    /// A run killed with SIGKILL part-way, then run again: every file ends
    /// compressed exactly once, nothing is lost, no temporary file is left.
    @Test func aKilledRunFinishesWhenRunAgain() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Self.checkEveryGzip)
            mkdir -p tree/big && for d in 1 2 3 4; do
              mkdir tree/d$d && for i in $(seq 1 300); do head -c $((20000 + i)) "$FIXTURES/text" > tree/d$d/f$i; done
            done
            for i in 1 2 3; do head -c 6000000 "$FIXTURES/mixed" > tree/big/b$i; done
            cp -a tree orig
            "$BALE" gzip -r -p 1 tree 2> err1 & pid=$!
            # kill it as soon as the first outputs are in place
            for i in $(seq 1 2000); do [ -n "$(find tree -name '*.gz' -print -quit)" ] && break; sleep 0.01; done
            kill -KILL $pid; wait $pid; echo "killed: $?"
            left=$(find tree -type f ! -name '*.gz' ! -name '.*' | wc -l)
            [ "$left" -gt 0 ] && echo "killed part-way"
            # every output under its final name is whole
            find tree -name '*.gz' ! -name '.*' -print0 | xargs -0 -r gzip -t && echo "finished outputs whole"
            # each file is there as input or output (or both)
            ( cd orig && find . -type f ) | while IFS= read -r f; do [ -f "tree/$f" ] || [ -f "tree/$f.gz" ] || echo "lost: $f"; done
            "$BALE" gzip -r -p 2 tree; echo "again: $?"
            check_gz tree orig
            [ -z "$(find tree -type f ! -name '*.gz')" ] && echo "no input and no temporary file left"
            [ "$(find tree -name '*.gz' | wc -l)" = "$(find orig -type f | wc -l)" ] && echo "each compressed once"
            """)
        #expect(run.stdout == """
            killed: 137
            killed part-way
            finished outputs whole
            again: 0
            no input and no temporary file left
            each compressed once

            """, "\(run.stdout)\(run.stderr)")
    }

    /// An input whose whole output an interrupted run left beside it is
    /// removed only once that output is on disk, as every input is: the
    /// output (and its directory) is synced first. It was unlinked with the
    /// output perhaps in the page cache only, where a crash loses both.
    /// strace shows the order of the calls, compressing and decompressing.
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func anEarlierRunsOutputIsOnDiskBeforeItsInputGoes() throws {
        let run = try Scratch().run(#"""
            mkdir d u && seq 1 5000 > d/a && "$BALE" gzip -k d/a && touch -r d/a d/a.gz
            seq 1 5000 | gzip > u/b.gz && gzip -dc u/b.gz > u/b && touch -r u/b.gz u/b
            for how in "gzip -r d" "gunzip -r u"; do
                strace -f -qq -o trace -e trace=fsync,syncfs,unlinkat "$BALE" $how 2> err; echo "$how: $?"
                grep -oE '^[0-9]+ +(fsync|syncfs|unlinkat)' trace | awk '{print $2}' | uniq | tr '\n' ' '; echo
            done
            ls d u; gzip -dc d/a.gz | cmp - <(seq 1 5000) && cmp u/b <(seq 1 5000) && echo same
            """#)
        #expect(run.stdout == """
            gzip -r d: 0
            fsync unlinkat \("")
            gunzip -r u: 0
            fsync unlinkat \("")
            d:
            a.gz

            u:
            b
            same

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `-r -c` and `-r -l`, as gzip's: every file the walk takes, in its
    /// order, to standard output or to the list, nothing on disk changed.
    /// Judged by GNU gzip (the concatenation decompressed) and `cat` of
    /// the same files in sorted order. With -c every file is taken
    /// whatever its name, as GNU gzip takes it: `gzip -rc` compresses the
    /// `.gz` files too (bale passed them over, exit 0, the stream short of
    /// them: a probe helper), `gunzip -rc` tries every file and says "not
    /// in gzip format" of the others (exit 1); -l keeps to the suffixes.
    @Test func toStandardOutputAndListWalkTheTree() throws {
        let run = try Scratch().run("""
            \(Self.makeTree)
            seq 1 3000 > tree/a/plain.log && seq 7 70 | gzip -c > tree/a/old.log.gz && cp -a tree orig
            files() { find tree -type f -print0 | LC_ALL=C sort -z; }
            "$BALE" gzip -rc -p 2 tree > all.gz 2> err; echo "gzip -rc: $? $(grep -c 'symbolic link' err)"
            gzip -dc all.gz | cmp - <(files | xargs -0 cat) && echo "gzip -dc gives every file in order"
            "$BALE" gzip -rc -k -f tree | gzip -dc | cmp - <(find tree -type f -print0 | LC_ALL=C sort -z | xargs -0 cat) \
              && echo "-f takes every file"
            "$BALE" gunzip -rc tree 2> err | cmp - <(seq 7 70) && echo "gunzip -rc: the .gz files, ${PIPESTATUS[0]}"
            grep -q 'tree/a/plain.log: not in gzip format' err && grep -q 'tree/empty: unexpected end of file' err \
              && echo "the others not gzip, as GNU gzip says"
            "$BALE" gunzip -rcf tree 2> /dev/null | cmp - <(find tree -type f -print0 | LC_ALL=C sort -z | xargs -0 gzip -dcf) \
              && echo "gunzip -rcf passes the others through"
            "$BALE" gunzip -rcf tree 2> /dev/null | head -c 1 > /dev/null; echo "reader gone: ${PIPESTATUS[0]}"
            "$BALE" gzip -rl tree > list; echo "gzip -rl: $? $(wc -l < list) $(grep -c 'a/old.log$' list)"
            "$BALE" gzip -r -o x tree 2> /dev/null; echo "-r -o: $?"
            diff -r --no-dereference tree orig && echo "nothing changed"
            """)
        #expect(run.stdout == """
            gzip -rc: 2 1
            gzip -dc gives every file in order
            -f takes every file
            gunzip -rc: the .gz files, 1
            the others not gzip, as GNU gzip says
            gunzip -rcf passes the others through
            reader gone: 141
            gzip -rl: 2 2 1
            -r -o: 64
            nothing changed

            """, "\(run.stdout)\(run.stderr)")
    }
    /// Two inputs of one `gunzip -r` that make the same output (`x.tgz`
    /// and `x.tar.gz` both `x.tar`): the second is "already exists; not
    /// overwritten" (exit 2, as GNU gzip says it), and --json counts the
    /// one file written, not both (it said "files": 2 and both outputs'
    /// bytes: a probe helper).
    @Test func anOutputNotWrittenIsNotCounted() throws {
        let run = try Scratch().run(#"""
            mkdir C && echo one | gzip > C/x.tgz && echo two | gzip > C/x.tar.gz
            "$BALE" gunzip -r C --json > report 2> err; echo "gunzip -r: $? $(cat C/x.tar) $(grep -c 'already exists' err)"
            grep -o '"files": [0-9]*\|"bytes_out": [0-9]*' report | paste -sd ' '
            """#)
        #expect(run.stdout == "gunzip -r: 2 two 1\n\"files\": 1 \"bytes_out\": 4\n", "\(run.stdout)\(run.stderr)")
    }

    /// A file gzip replaces in place is judged by its mode, then by its
    /// links, before its name, in GNU gzip 1.12's order (its treat_file,
    /// then make_ofname): under -r an `x.gz` with another link is "has 1
    /// other link -- file ignored", not passed over in silence for its
    /// suffix (nor, under `gunzip -r`, a linked file without one); a
    /// setuid file with a link is named for its mode, and a sticky one
    /// with a link is compressed under -f. Each tree given to GNU gzip and
    /// to bale: the same messages and statuses. (`gzip -rf` compresses the
    /// .gz files again; bale's -r never does, see `consider`.)
    @Test(.enabled(if: Machine.isRoot && Machine.has("gzip"), "needs root (setuid and sticky bits) and GNU gzip"))
    func modeAndLinksAreJudgedBeforeTheNameAsGzipJudgesThem() throws {
        let run = try Scratch().run(#"""
            mkdir src && cd src && echo a > x.gz && ln x.gz y.gz && echo b > s && ln s s2 && chmod u+s s
            echo c > t && ln t t2 && chmod +t t && echo d > plain && cd ..
            for tool in gnu bale; do cp -a src $tool; done
            gzip -r gnu 2> gnu.err; echo "gzip -r $?"; "$BALE" gzip -r bale 2> bale.err; echo "bale gzip -r $?"
            diff <(sed 's/^gzip: gnu/X/' gnu.err | sort) <(sed 's/^bale: bale/X/' bale.err | sort) && echo "same words"
            gzip -rf gnu 2> /dev/null; echo "gzip -rf $?"; "$BALE" gzip -rf bale 2> /dev/null; echo "bale gzip -rf $?"
            ls gnu/t.gz bale/t.gz > /dev/null && echo "t compressed by both"
            mkdir g2 b2 && for d in g2 b2; do echo e > $d/f && ln $d/f $d/g; done
            gunzip -r g2 2> gnu.err; echo "gunzip -r $?"; "$BALE" gunzip -r b2 2> bale.err; echo "bale gunzip -r $?"
            diff <(sed 's/^gzip: g2/X/' gnu.err | sort) <(sed 's/^bale: b2/X/' bale.err | sort) && echo "same words"
            """#)
        #expect(run.stdout == """
            gzip -r 2
            bale gzip -r 2
            same words
            gzip -rf 2
            bale gzip -rf 2
            t compressed by both
            gunzip -r 2
            bale gunzip -r 2
            same words

            """, "\(run.stdout)\(run.stderr)")
    }
}
