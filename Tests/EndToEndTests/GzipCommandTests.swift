import Foundation
import Testing

/// gzip's file rules, which scripts rely on.
@Suite struct GzipCommandTests {
    /// What GNU gzip says of a socket (its open fails: "No such device or
    /// address", exit 1, named or met by -r, -d too) and of `gzip -l` of a
    /// name with neither it nor its .gz there (the .gz named), compared
    /// with gzip's own lines. bale passed a socket over as a FIFO (exit 2)
    /// and named the missing FILE.
    @Test(.enabled(if: Machine.has("gzip") && Machine.has("python3"), "needs GNU gzip and python3 (a socket)"))
    func socketsAndMissingListedFilesAsGzipSaysThem() throws {
        let run = try Scratch().run(#"""
            tree() { rm -rf "$1" && mkdir "$1" && echo x > "$1/f" && echo y | gzip > "$1/g.gz.x"
                     python3 -c "import socket; socket.socket(socket.AF_UNIX).bind('$1/s')"; }
            both() { tree t && tree b
                     gzip "$@" 2> gnu.err; local gnu=$?
                     "$BALE" gzip $(echo "$@" | sed 's|t/|b/|') 2> bale.err; local bale=$?
                     sed 's/^gzip:/bale:/; s|t/|b/|' gnu.err | cmp -s - bale.err && echo "$*: $gnu $bale" || { echo "$*: $gnu $bale"; cat gnu.err bale.err; }; }
            both t/s
            both -f t/s
            both -c t/s
            both -l t/missing
            both -r t/
            both -d -S .x -r t/
            """#)
        #expect(run.stdout == """
            t/s: 1 1
            -f t/s: 1 1
            -c t/s: 1 1
            -l t/missing: 1 1
            -r t/: 1 1
            -d -S .x -r t/: 1 1

            """, "\(run.stdout)\(run.stderr)")
    }

    /// An input whose output is whole but that cannot be removed (another
    /// user's file in a sticky directory): gzip warns, exit 2, and so does
    /// bale now (it said exit 1, whose meaning is "no output"), for `gzip`
    /// and `gzip -r`.
    @Test(.enabled(if: Machine.isRoot, "needs root (a second user)"))
    func anInputThatCannotBeRemovedIsAWarning() throws {
        let run = try Scratch().run(#"""
            mkdir -m 1777 s && echo hello > s/b && mkdir -m 1777 s/d && echo x > s/d/c && chmod -R go+r s
            cp s/b s/a
            # A copy the other user can run: the build may lie in a directory
            # only root may enter (a clone in `mktemp -d`).
            cp "$BALE" bale && chmod 755 bale
            setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c \
                'cd s && gzip -f a; echo "gzip: $?"; "$0" gzip -f b; echo "bale: $?"; "$0" gzip -r -f d; echo "bale -r: $?"' \
                "$PWD/bale" 2> err
            cat err; gzip -dc s/b.gz; gzip -dc s/d/c.gz
            """#)
        #expect(run.stdout == """
            gzip: 2
            bale: 2
            bale -r: 2
            gzip: a: Operation not permitted
            bale: b: Operation not permitted
            bale: d/c: Operation not permitted
            hello
            x

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A directory one may write in and search but not list (a drop box,
    /// mode 1733): its outputs' entries are flushed through the file
    /// system (the directory cannot be opened for reading, which fsync
    /// needs). `gzip FILE` wrote its whole output there, kept the input and
    /// said "write error: Permission denied", exit 1, and so did `gunzip`;
    /// `gzip -r FILE` kept the input, "cannot flush the outputs to disk"
    /// (a probe helper). GNU gzip and bale now: exit 0, the input gone.
    @Test(.enabled(if: Machine.isRoot && Machine.has("setpriv"), "needs root and setpriv (a second user)"))
    func aDirectoryThatCannotBeListedTakesItsOutputs() throws {
        let run = try Scratch().run(#"""
            mkdir -m 1733 w
            cp "$BALE" bale && chmod 755 bale
            setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c \
                'cd w && echo one > a && echo two > b && echo three > c && echo four > d && echo five > e
                 "$0" gzip a; echo "gzip: $?"; "$0" gzip b c; echo "gzip b c: $?"
                 "$0" gzip d && "$0" gunzip d.gz; echo "gunzip: $?"; "$0" gzip -r e; echo "gzip -r: $?"' \
                "$PWD/bale" 2> err
            cat err; ls w; gzip -dc w/a.gz w/b.gz w/c.gz; cat w/d; gzip -dc w/e.gz
            """#)
        #expect(run.stdout == """
            gzip: 0
            gzip b c: 0
            gunzip: 0
            gzip -r: 0
            a.gz
            b.gz
            c.gz
            d
            e.gz
            one
            two
            three
            four
            five

            """, "\(run.stdout)\(run.stderr)")
    }

    /// An input that cannot be read, whose output is already there, is
    /// that error (exit 1), as GNU gzip says it (it opens the input
    /// first), for `gzip FILE` and `gzip -r`: bale said only that the
    /// output exists (a warning, exit 2). A readable file beside it keeps
    /// its "already exists" (2).
    @Test(.enabled(if: Machine.isRoot && Machine.has("setpriv"), "needs root and setpriv (a second user)"))
    func anUnreadableInputIsSaidBeforeItsOutputExists() throws {
        let run = try Scratch().run(#"""
            mkdir -m 777 s s/d && echo a > s/a && touch s/a.gz && echo b > s/d/b && touch s/d/b.gz
            echo c > s/d/c && touch s/d/c.gz && chmod 000 s/a s/d/b && chmod 666 s/a.gz s/d/*.gz
            cp "$BALE" bale && chmod 755 bale
            for tool in gzip "$PWD/bale"; do
                setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c \
                    'cd s && "$0" gzip a; echo "file: $?"; "$0" gzip -r d; echo "-r: $?"' \
                    "$([ "$tool" = gzip ] && command -v env || echo "$tool")" 2> err
                sed 's/^[a-z]*: //' err
            done
            """#)
        // `env gzip` stands for GNU gzip in the same command line.
        let expected = """
            file: 1
            -r: 1
            a: Permission denied
            d/b: Permission denied
            d/c.gz already exists;\tnot overwritten

            """
        #expect(run.stdout == expected + expected, "\(run.stdout)\(run.stderr)")
    }

    /// gunzip of a file that holds no whole gzip header (not gzip, empty,
    /// cut inside its header), whose output is already there: that error
    /// (exit 1), as GNU gunzip, which reads the header before it looks at
    /// the output, says it; bale said only that the output exists (2), in
    /// `gunzip FILE` and `gunzip -r`. The file there is left as it was; a
    /// good input keeps "already exists", its header of any length (`l`'s
    /// name is 100,000 bytes).
    @Test func anInputWithNoGzipHeaderIsSaidBeforeItsOutputExists() throws {
        let run = try Scratch().run(#"""
            for tool in "gzip -d" "$BALE gunzip" "gzip -dr" "$BALE gunzip -r"; do
                rm -rf d && mkdir d && cd d
                echo hello > x.gz && : > e.gz && printf '\037\213\010' > s.gz && echo hi | gzip > ok.gz
                python3 -c 'import sys, zlib; c = zlib.compressobj(6, zlib.DEFLATED, -15); body = c.compress(b"hi\n") + c.flush()
            sys.stdout.buffer.write(b"\x1f\x8b\x08\x08" + bytes(6) + b"n" * 100000 + b"\0" + body + zlib.crc32(b"hi\n").to_bytes(4, "little") + (3).to_bytes(4, "little"))' > l.gz
                for f in x e s ok l; do echo old > $f; done
                case $tool in
                    # GNU gzip stops at a file cut short ("unexpected end of
                    # file" ends it); bale goes on: -r is shown the others.
                    *r) rm e.gz s.gz; $tool . 2> err; echo "-r: $?" ;;
                    *) for f in x e s ok l; do $tool $f.gz 2>> err; echo "$f: $?"; done ;;
                esac
                sed '/^$/d; s/^[a-z]*: //; s/truncated: //; s,\./,,' err | LC_ALL=C sort; cat x e s ok l; cd ..
            done
            """#)
        let others = """
            l already exists;\tnot overwritten
            ok already exists;\tnot overwritten
            x.gz: not in gzip format\n
            """
        let left = "old\nold\nold\nold\nold\n"
        let one = "x: 1\ne: 1\ns: 1\nok: 2\nl: 2\ne.gz: unexpected end of file\n"
            + others.replacingOccurrences(of: "x.gz", with: "s.gz: unexpected end of file\nx.gz") + left
        let recursive = "-r: 1\n" + others + left
        #expect(run.stdout == one + one + recursive + recursive, "\(run.stdout)\(run.stderr)")
    }

    /// A file rewritten in place while it is read, its modification time
    /// set back after (`rsync --inplace -t`), is found by its change time,
    /// as GNU tar finds it, also where the input is kept: the output would
    /// hold a torn copy, half old and half new. `pack` says "file changed
    /// as we read it" (exit 2), `gzip -r -k` compresses nothing of it
    /// (exit 1), `gzip -k` says its output holds it as read (exit 2). All
    /// three exited 0 (a probe). strace slows every read so that the
    /// rewrite lands between the file's first and last read.
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func aFileRewrittenInPlaceWhileReadIsSaid() throws {
        let run = try Scratch().run(#"""
            for how in pack recursive file test; do
                rm -rf t out* trace && mkdir t && head -c 20000000 "$FIXTURES/mixed" > t/big && touch -r t/big stamp
                # Each reads the file with its own call: slowed, that one alone.
                case $how in
                    pack) set -- pack -o out.tar.gz t && reads=read ;;
                    recursive) set -- gzip -r -k t && reads=pread64 ;;
                    file) set -- gzip -k t/big && reads=splice ;;
                    # (of random bytes: 20 MB of members, read in many splices)
                    test) head -c 20000000 /dev/urandom > t/big && "$BALE" gzip t/big && set -- gzip -t t/big.gz && reads=splice ;;
                esac
                strace -f -qq -o trace -e trace=openat,$reads -e inject=$reads:delay_enter=150000 "$BALE" "$@" 2> err &
                # pack opens it in its directory, by its name alone.
                for _ in $(seq 1 1500); do grep -qE '"(t/)?big(\.gz)?"' trace 2> /dev/null && break; sleep 0.02; done
                sleep 0.1
                if [ $how = test ]; then
                    sleep 0.9; chmod 600 t/big.gz  # its change time only, once its reading began: the data stays whole
                else
                    printf X | dd of=t/big bs=1 seek=100 conv=notrunc status=none
                    printf Y | dd of=t/big bs=1 seek=19000000 conv=notrunc status=none
                    touch -r stamp t/big
                fi
                wait $!
                echo "$how: exit $? $(cat err)"
            done
            """#)
        #expect(run.stdout == """
            pack: exit 2 bale: t/big: file changed as we read it
            recursive: exit 1 bale: t/big: file changed as we read it; not compressed
            file: exit 2 bale: t/big: file changed as we read it; the output holds it as read
            test: exit 2 bale: t/big.gz: file changed as we read it; the verdict is of it as read

            """, "\(run.stdout)\(run.stderr)")
    }

    /// An input is removed relative to its directory, opened before the
    /// input is looked at: a directory on its path renamed and replaced by
    /// a symbolic link to elsewhere just before the unlink (strace holds
    /// it) cannot turn the unlink to a file of the same name there. By
    /// path, the file outside the tree was removed, exit 0 (a probe).
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func aDirectorySwappedForALinkTurnsNoRemovalElsewhere() throws {
        let run = try Scratch().run(#"""
            for how in file recursive gunzip; do
                rm -rf t outside && mkdir -p t/d outside && echo inside > t/d/f && echo outside > outside/f
                output=t/d/f.gz
                case $how in
                    file) set -- gzip t/d/f ;;
                    recursive) set -- gzip -r t ;;
                    gunzip) gzip t/d/f && output=t/d/f && cp t/d/f.gz outside/f.gz && set -- gunzip -r t ;;
                esac
                strace -f -qq -o /dev/null -e inject=unlink,unlinkat:delay_enter=2000000 "$BALE" "$@" 2> err &
                for _ in $(seq 1 1500); do [ -e $output ] && break; sleep 0.02; done
                sleep 0.5 && mv t/d t/moved && ln -s ../outside t/d
                wait $!
                echo "$how: exit $? $(cat err) outside: $(ls outside | tr '\n' ' ')moved: $(ls t/moved | tr '\n' ' ')"
            done
            """#)
        #expect(run.stdout == """
            file: exit 0  outside: f moved: f.gz \("")
            recursive: exit 0  outside: f moved: f.gz \("")
            gunzip: exit 0  outside: f f.gz moved: f \("")

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A file that grows (a log line appended) or changes while it is
    /// compressed is kept: its output holds it as it was when it was cut
    /// into chunks, and bale removed it, the new lines lost, with exit 0.
    /// Now it is kept with a warning (exit 2), for `gzip` and `gzip -r`,
    /// whose `-v` says it created d/log.gz (gzip's words for an input
    /// kept), not "replaced with" it.
    /// strace holds bale at the output's rename, after the input was read
    /// and before it is removed, while the script appends to the input, or
    /// rewrites its first byte in place and sets its modification time
    /// back (kept by its change time: removed, with exit 0, before).
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func aFileThatChangesWhileCompressedIsKept() throws {
        let run = try Scratch().run(#"""
            for how in plain recursive in-place; do
                rm -rf d && mkdir d && seq 1 100000 > d/log && cp d/log before && touch -r d/log stamp
                if [ $how = recursive ]; then set -- -r -v d; else set -- d/log; fi
                strace -f -qq -o /dev/null -e inject=rename,renameat,renameat2:delay_enter=4000000 \
                    "$BALE" gzip "$@" 2> err &
                for _ in $(seq 1 1500); do ls d/.log.gz.bale-* > /dev/null 2>&1 && break; sleep 0.02; done
                sleep 1.5
                if [ $how = in-place ]; then
                    # Rewritten in place, its size and modification time
                    # kept (rsync --inplace -t): only the change time shows it.
                    printf X | dd of=d/log conv=notrunc status=none && touch -r stamp d/log
                else
                    echo appended >> d/log
                fi
                wait $!
                echo "$how: exit $? $(grep -v -- ' -- ' err) kept: $(tail -n 1 d/log) $(head -c 2 d/log)"
                [ $how = recursive ] && echo "-v: $(grep -o -- '-- [a-z ]* d/log.gz' err)"
                gzip -dc d/log.gz | cmp - before && echo "$how: the output holds the file as read"
            done
            # Two names of one file: removing the first changes the second's
            # change time, which is no change of its content.
            rm -rf h && mkdir h && seq 1000 > h/a && ln h/a h/b
            "$BALE" gzip -r -f h; echo "hard links: $? $(ls h | tr '\n' ' ')"
            rm -rf h && mkdir h && seq 1000 > h/a && ln h/a h/b && ln h/a h/c
            "$BALE" gzip -f h/a h/b h/c; echo "hard links named: $? $(ls h | tr '\n' ' ')"
            """#)
        #expect(run.stdout == """
            plain: exit 2 bale: d/log: changed while it was read; kept, not removed kept: appended 1
            plain: the output holds the file as read
            recursive: exit 2 bale: d/log: changed while it was read; kept, not removed kept: appended 1
            -v: -- created d/log.gz
            recursive: the output holds the file as read
            in-place: exit 2 bale: d/log: changed while it was read; kept, not removed kept: 100000 X
            in-place: the output holds the file as read
            hard links: 0 a.gz b.gz \("")
            hard links named: 0 a.gz b.gz c.gz \("")

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A file put where the input was between bale's look and its open, a
    /// FIFO here (strace holds the open for three seconds while the script
    /// swaps it in after one: bale's start under strace took more than the
    /// half second it had before on a loaded machine): "file changed as we read it", exit 1, the FIFO left.
    /// ext4 and tmpfs give a freed inode number to the next file made, so
    /// the FIFO passed for the file bale had looked at: an empty .gz made
    /// and the FIFO removed, exit 0, or, with a writer holding the FIFO
    /// open, a wait with no end (a probe helper).
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func aFIFOSwappedInBeforeTheOpenIsNotTheFile() throws {
        let run = try Scratch().run(#"""
            for writer in none holding; do
                rm -rf d && mkdir d && seq 1000 > d/f
                (sleep 1; rm d/f; mkfifo d/f; [ $writer = holding ] && { sleep 4 > d/f 2> /dev/null & echo $! > pid; }) > /dev/null 2>&1 &
                timeout 20 strace -f -qq -o /dev/null -P d/f -e inject=openat:delay_enter=3000000 \
                    "$BALE" gzip d/f 2> err; echo "$writer: exit $? $(grep '^bale' err) $(stat -c %F d/f) $(ls d)"
                wait; [ -f pid ] && kill $(cat pid) 2> /dev/null; rm -f pid
            done
            """#)
        #expect(run.stdout == """
            none: exit 1 bale: d/f: file changed as we read it fifo f
            holding: exit 1 bale: d/f: file changed as we read it fifo f

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A `gunzip -r` of the tree while a `gzip` of one of its files stands
    /// between its output's rename and its input's removal (strace holds
    /// the unlink for three seconds): the pair, equal and of one time, is
    /// what a killed run leaves, and the gunzip took it for that and
    /// removed the .gz, then the gzip removed the input: both lost, both
    /// exit 0 (a reading helper's race of the two over a tree: 13 to 34
    /// files of 3,000 in every run). The gzip now removes its input only
    /// while it holds its output locked, as the gunzip holds such a pair,
    /// so one of them leaves it: the .gz stays.
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func aGunzipBesideAGzipFinishingItsFileLosesNothing() throws {
        let run = try Scratch().run(#"""
            mkdir d && seq 100000 > d/f && cp d/f orig
            strace -f -qq -o /dev/null -e inject=unlinkat:delay_enter=3000000 "$BALE" gzip d/f 2> gzip.err & pid=$!
            for i in $(seq 1 1000); do [ -e d/f.gz ] && break; sleep 0.01; done
            "$BALE" gunzip -r d 2> gunzip.err; echo "gunzip: $?"
            wait $pid; echo "gzip: $?"
            ls d; gzip -dc d/f.gz | cmp - orig && echo "d/f.gz holds the file"
            """#)
        #expect(run.stdout == "gunzip: 2\ngzip: 0\nf.gz\nd/f.gz holds the file\n", "\(run.stdout)\(run.stderr)")
    }

    @Test func replacesTheInputKeepingModeAndTimes() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            seq 1 100000 > a && cp a a.orig && chmod 604 a && touch -d '2021-05-06 07:08:09' a
            "$BALE" gzip a; echo "status=$?"
            [ ! -e a ] && echo "input removed"
            stat -c '%a %Y' a.gz
            gzip -dc a.gz | cmp - a.orig && echo same
            """)
        let mtime = try sh("date -d '2021-05-06 07:08:09' +%s", in: "/").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(run.stdout == "status=0\ninput removed\n604 \(mtime)\nsame\n", "\(run.stdout)\(run.stderr)")
    }

    @Test func keepStdoutAndOutputLeaveTheInput() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            seq 1 1000 > a
            "$BALE" gzip -k a && [ -e a ] && [ -e a.gz ] && echo keep
            "$BALE" gzip -c a > c.gz && [ -e a ] && cmp c.gz a.gz && echo stdout
            "$BALE" gzip a -o other.gz && [ -e a ] && cmp other.gz a.gz && echo output
            "$BALE" gzip -o - a | cmp - a.gz && echo dash
            """)
        #expect(run.stdout == "keep\nstdout\noutput\ndash\n", "\(run.stdout)\(run.stderr)")
    }

    @Test func decompressAndTestFlags() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            seq 1 100000 > a && cp a a.orig && "$BALE" gzip a
            "$BALE" gzip -t a.gz && echo "test ok"; [ -e a.gz ] && [ ! -e a ] && echo "test writes nothing"
            head -c 1000 a.gz > cut.gz; "$BALE" gunzip -t cut.gz; echo "test cut=$?"
            "$BALE" gzip -d a.gz && cmp a a.orig && [ ! -e a.gz ] && echo "gzip -d"
            """)
        #expect(run.stdout == "test ok\ntest writes nothing\ntest cut=1\ngzip -d\n", "\(run.stdout)\(run.stderr)")
    }

    /// gzip's skips and their statuses, as GNU gzip 1.12's: an existing
    /// output, a directory, a file with other links and an unknown suffix
    /// are warnings (2); a name that already has the suffix is named (not
    /// with -q) and passed over with 0.
    @Test func warningsSkipAndExitTwo() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            seq 1 1000 > a && echo old > a.gz
            "$BALE" gzip a; echo "exists=$?"; [ "$(cat a.gz)" = old ] && [ -e a ] && echo "not overwritten"
            "$BALE" gzip -f a; echo "forced=$?"; gzip -t a.gz && [ ! -e a ] && echo "overwritten"
            "$BALE" gzip a.gz; echo "suffix=$?"
            mkdir d; "$BALE" gzip d; echo "directory=$?"
            seq 1 10 > b; ln b b2; "$BALE" gzip b; echo "links=$?"; [ -e b ] && [ ! -e b.gz ] && echo "linked file kept"
            seq 1 10 > c; "$BALE" gunzip c; echo "unknown=$?"
            "$BALE" gzip -q a.gz; echo "quiet=$?"
            """)
        #expect(run.stdout == """
            exists=2
            not overwritten
            forced=0
            overwritten
            suffix=0
            directory=2
            links=2
            linked file kept
            unknown=2

            """ + "quiet=0\n", "\(run.stdout)\(run.stderr)")
        for phrase in ["a.gz already exists;\tnot overwritten", "already has .gz suffix", "is a directory",
                       "other link", "unknown suffix"] {
            #expect(run.stderr.contains(phrase), "missing message: \(phrase) in \(run.stderr)")
        }
        #expect(run.stderr.components(separatedBy: "already has .gz suffix").count == 2, "-q is silent")
    }

    /// `gzip FILE` while one write to FILE is under way as bale opens it
    /// (the kernel stamps the change time as a write begins, so the time
    /// at the open held it and the check after the read saw no change):
    /// the read overtook the write, the output held the new bytes up to
    /// the writer's place and the old ones after, and the input, whole
    /// and new, was removed. The write is waited for now (`SettledStatus`):
    /// the output is the new content, or the input is kept. The writer's
    /// source is put out of the page cache, so its one pwrite of 160 MiB
    /// is slower than the reading.
    @Test func aWriteUnderWayAsTheInputIsOpenedIsWaitedFor() throws {
        let run = try Scratch().run(WriteUnderWay.script("['gzip', '-p', '1', 'f']", judge: """
            if os.path.exists('f'):
                kept = open('f', 'rb').read() == new
                if os.path.exists('f.gz'): os.remove('f.gz')
                return 'kept' if kept else 'kept, not the new content'
            whole = gzip.open('f.gz').read() == new
            os.remove('f.gz')
            return 'new' if whole else 'torn, input removed'
            """))
        // 'kept' when bale began before the write: its change is said.
        #expect(run.stdout.hasSuffix("begun during the write: True\n"), "\(run.stdout)\(run.stderr)")
        #expect(["seen: ['new']\n", "seen: ['kept', 'new']\n"].contains(run.stdout.split(separator: "\n")[0] + "\n"),
                "\(run.stdout)\(run.stderr)")
    }

    /// A symbolic link named to `gzip` or `gunzip` (to a file, to
    /// nothing, to a directory) is GNU gzip 1.12's error: "Too many levels
    /// of symbolic links", exit 1, said under -q too, the link left. bale
    /// warned, exit 2, and -q hid it (a reading helper). With -f the link's
    /// file is compressed, as by gzip. Under -r too (a probe helper: the
    /// warning, exit 2, there).
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func aSymbolicLinkNamedIsGzipsError() throws {
        let run = try Scratch().run(#"""
            seq 1000 > a && mkdir d && gzip -k a
            bale() { "$BALE" gzip "$@"; }
            for tool in gzip bale; do
                rm -rf w && mkdir w && cd w && cp ../a ../a.gz . && ln -s a l && ln -s nowhere n && ln -s ../d ld && ln -s a.gz lz.gz
                for args in "l" "-q n" "ld" "-d lz.gz" "-q -d lz.gz" "-r l" "-r -q n" "-r ld" "-r -d lz.gz"; do
                    $tool $args 2> ../err; echo "$args: $? $(grep -c 'Too many levels of symbolic links' ../err)"
                done
                ls | tr '\n' ' '; echo; $tool -f l && [ -f l.gz ] && [ ! -e l ] && echo "-f: the link's file"
                cd ..
            done > both
            sed -n '1,11p' both | cmp - <(sed -n '12,22p' both) && echo "as gzip"; sed -n '1,11p' both
            """#)
        #expect(run.stdout == """
            as gzip
            l: 1 1
            -q n: 1 1
            ld: 1 1
            -d lz.gz: 1 1
            -q -d lz.gz: 1 1
            -r l: 1 1
            -r -q n: 1 1
            -r ld: 1 1
            -r -d lz.gz: 1 1
            a a.gz l ld lz.gz n 
            -f: the link's file

            """, "\(run.stdout)\(run.stderr)")
    }

    /// An unreadable input is tried by a user it is unreadable to: root
    /// reads anything, so as root bale runs as nobody (setpriv).
    @Test func errorsNameTheFileAndExitOne() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            "$BALE" gzip missing; echo "missing=$?"
            seq 1 10 > unreadable && chmod 000 unreadable
            if [ "$(id -u)" = 0 ]; then
              # nobody may not reach the build directory (a clone in a 0700 mktemp -d): run a copy
              chmod 755 . && cp "$BALE" ./bale-copy && chmod 755 ./bale-copy
              setpriv --reuid=nobody --regid=nogroup --clear-groups "$PWD/bale-copy" gzip unreadable; echo "unreadable=$?"
            else
              "$BALE" gzip unreadable; echo "unreadable=$?"
            fi
            seq 1 10 > ok; "$BALE" gzip missing ok; echo "mixed=$?"; [ -e ok.gz ] && echo "the rest done"
            """)
        #expect(run.stdout == "missing=1\nunreadable=1\nmixed=1\nthe rest done\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("missing: No such file or directory"), "\(run.stderr)")
        #expect(run.stderr.contains("unreadable: Permission denied"), "\(run.stderr)")
    }

    @Test func aFailedWriteLeavesNothingAndKeepsTheInput() throws {
        let scratch = Scratch()
        // A file-size limit (RLIMIT_FSIZE) makes the write fail part-way, as a full disk would.
        let run = try scratch.run("""
            for i in 1 2 3; do cat "$FIXTURES/mixed"; done > big
            (ulimit -f 2048; trap '' XFSZ; "$BALE" gzip big); echo "status=$?"
            ls -A; [ -e big ] && echo "input kept"
            """)
        #expect(run.stdout.hasPrefix("status=1\nbig\ninput kept"), "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("big.gz"), "\(run.stderr)")
    }

    @Test(.enabled(if: Machine.has("script"), "needs script(1) (bsdutils) to give bale a terminal"))
    func refusesToWriteCompressedDataToATerminal() throws {
        let scratch = Scratch()
        // `script` gives bale a real terminal as standard output.
        let run = try scratch.run("""
            seq 1 10 > a
            script -qec '"$BALE" gzip -c a; echo "status=$?"' /dev/null
            """)
        #expect(run.stdout.contains("status=1"), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("compressed data not written to a terminal"), "\(run.stdout)")
    }

    /// Nor is compressed data read from a terminal: `gzip -t`, `gunzip`
    /// and `gzip -dt` with standard input a terminal fail at once, as
    /// GNU gzip fails ("compressed data not read from a terminal", 1).
    /// `gzip -t` without -d read the terminal, waiting for ever.
    @Test(.enabled(if: Machine.has("script"), "needs script(1) (bsdutils) to give bale a terminal"))
    func refusesToReadCompressedDataFromATerminal() throws {
        let run = try Scratch().run(#"""
            for args in "gzip -t" "gzip -t -" "gzip -dt" "gunzip"; do
                timeout 10 script -qec "\"$BALE\" $args; echo status=\$?" /dev/null < /dev/null | tr -d '\r' | grep -c 'not read from a terminal\|status=1'
            done
            """#)
        #expect(run.stdout == "2\n2\n2\n2\n", "\(run.stdout)\(run.stderr)")
    }

    /// gzip's question before an output that exists is replaced, asked as
    /// GNU gzip asks it: on a terminal, in the foreground. bale said "not
    /// overwritten" always (a probe helper, against gzip 1.12). No keeps
    /// both files, exit 2; yes replaces the output, exit 0. With SIGINT
    /// ignored (a background job) or standard input not a terminal, no
    /// question: "not overwritten", exit 2. GNU gzip prints the same lines
    /// (the answers' echo, which the terminal puts before the question, is
    /// left out).
    @Test func asksBeforeReplacingAnOutputOnATerminal() throws {
        let run = try Scratch().run(#"""
            seq 1000 > a && gzip -k a && seq 5 > a && cp a old
            asked() { printf '%s\n' "$1" | timeout 10 script -qec "$2; echo status=\$?" /dev/null | tr -d '\r' | grep -v '^[ny]$'; }
            asked n "\"$BALE\" gunzip a.gz"
            cmp -s a old && [ -f a.gz ] && echo "both kept"
            asked y "\"$BALE\" gunzip a.gz"
            seq 1000 | cmp -s - a && [ ! -f a.gz ] && echo "replaced"
            seq 5 > b && gzip -k b
            asked y "trap '' INT; \"$BALE\" gzip b"
            echo y | "$BALE" gzip b; echo "status=$?"
            gzip -dc b.gz | cmp -s - b && echo "b.gz kept"
            """#)
        #expect(run.stdout == """
            bale: a already exists; do you wish to overwrite (y or n)? \tnot overwritten
            status=2
            both kept
            bale: a already exists; do you wish to overwrite (y or n)? status=0
            replaced
            bale: b.gz already exists;\tnot overwritten
            status=2
            status=2
            b.gz kept

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A second `bale gzip FILE` while a first still writes leaves the
    /// first's temporary file, locked while written: it took it for a
    /// killed run's and removed it, and the first, healthy, failed ("write
    /// error: No such file or directory", a probe helper). The first is
    /// stopped (SIGSTOP) once its temporary file is there; the second
    /// compresses the file; the first, let go, finds the output made
    /// ("already exists", 2). Nothing lost.
    @Test func aLiveRunsTemporaryFileIsLeftToIt() throws {
        let run = try Scratch().run(#"""
            (seq 3000000; seq 1000000) > s && sha256sum < s > sum
            "$BALE" gzip -9 -p 1 --codec zlib s 2> first & pid=$!
            for i in $(seq 200); do ls -A | grep -q '^\.s\.gz\.bale-' && break; sleep 0.02; done
            kill -STOP $pid
            ls -A | grep -c '^\.s\.gz\.bale-'
            "$BALE" gzip s 2> second; echo "second $?"
            ls -A | grep -c '^\.s\.gz\.bale-'
            kill -CONT $pid; wait $pid; echo "first $?"
            cat first second
            gzip -dc s.gz | sha256sum | cmp - sum && echo intact
            ls -A | grep -v -e first -e second -e sum
            """#)
        #expect(run.stdout == """
            1
            second 0
            1
            first 2
            bale: s.gz already exists;	not overwritten
            intact
            s.gz

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A file `unpack` writes under a temporary name (it replaces one
    /// there) is locked as every temporary file of bale is: a `gunzip -r`
    /// of the same directory meanwhile leaves it to its run. It was not
    /// locked, so the `gunzip -r` took it for a killed run's and removed
    /// it, and the extraction failed ("No such file or directory; not
    /// extracted", exit 1; a probe helper). The archive comes through a
    /// pipe that pauses in the middle of the file.
    @Test func anExtractedFilesTemporaryNameIsLeftToItsRun() throws {
        let run = try Scratch().run(#"""
            mkdir src d && seq 3000000 > src/f && tar -cf a.tar -C src f
            seq 1000 | gzip -n > d/f.gz && echo old > d/f
            { head -c 1000000 a.tar; sleep 2; tail -c +1000001 a.tar; } | "$BALE" unpack - -C d 2> unpack.err & pid=$!
            for i in $(seq 200); do ls -A d | grep -q '^\.f\.bale-' && break; sleep 0.02; done
            ls -A d | grep -c '^\.f\.bale-'
            "$BALE" gunzip -r -k d 2> gunzip.err; echo "gunzip -r -k: $?"
            kill -0 $pid 2> /dev/null && echo "unpack still writing"
            wait $pid; echo "unpack: $? $(cat unpack.err)"
            cmp d/f src/f && echo "d/f whole"
            ls -A d
            """#)
        #expect(run.stdout == """
            1
            gunzip -r -k: 2
            unpack still writing
            unpack: 0 \("")
            d/f whole
            f
            f.gz

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Another process puts its own file under the name of bale's
    /// temporary output while bale writes it (strace holds bale at the
    /// output's fsync, or at the setting of its time, while the script
    /// swaps it): the output is not committed, the foreign file is left
    /// where it was put, and no input is removed (exit 1). bale renamed the foreign file into place as its
    /// output, and `pack --remove-files` removed the tree, `gzip` the
    /// file, exit 0 (a probe helper).
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func aTemporaryFileTakenByAnotherProcessIsNotCommitted() throws {
        let run = try Scratch().run(#"""
            swap() { for _ in $(seq 1 1500); do t=$(ls -A | grep '^\.t\.tgz\.bale-\|^\.f\.gz\.bale-') && break; sleep 0.02; done
                     sleep 0.5; echo junk > x; mv x "$t"; }
            mkdir d && seq 100000 > d/a && seq 10 > f
            swap & strace -f -qq -o /dev/null -e inject=fsync:delay_enter=1500000 \
                "$BALE" pack d -o t.tgz --remove-files 2> err; echo "pack: $? $(grep -c '^bale' err) $(ls d | wc -l) $(ls t.tgz 2> /dev/null)"
            wait; rm -f .t.tgz.bale-*
            swap & strace -f -qq -o /dev/null -e inject=utimensat:delay_enter=1500000 \
                "$BALE" gzip f 2> err; echo "gzip: $? $(grep '^bale' err) $(ls f*) $(cat .f.gz.bale-*)"
            """#)
        #expect(run.stdout == """
            pack: 1 2 1 \("")
            gzip: 1 bale: f.gz: its temporary file was replaced or removed by another process: what is there now is not bale's output f junk

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The output replaces a hard link to the input (`gzip -f f` where
    /// f.gz is another name of f): the rename takes a name from the input,
    /// which moves its change time, and bale took that for a change of its
    /// content ("changed while it was read; kept, not removed", exit 2). It
    /// is removed, as GNU gzip removes it, for `gzip -f`, `gzip -rf`,
    /// `gunzip -f` and `gunzip -rf` (a probe helper).
    @Test func anOutputThatWasALinkToTheInputReplacesIt() throws {
        let run = try Scratch().run(#"""
            seq 1000 > f && ln f f.gz && "$BALE" gzip -f f; echo "gzip -f: $? $(ls)"; rm -f f*
            mkdir d && seq 1000 > d/f && ln d/f d/f.gz && "$BALE" gzip -rf d; echo "gzip -rf: $? $(ls d)"; rm -rf d
            seq 10 | gzip > x.gz && ln x.gz x && "$BALE" gunzip -f x.gz; echo "gunzip -f: $? $(ls)"; rm -f x*
            mkdir d && seq 10 | gzip > d/x.gz && ln d/x.gz d/x && "$BALE" gunzip -rf d; echo "gunzip -rf: $? $(ls d)"
            """#)
        #expect(run.stdout == """
            gzip -f: 0 f.gz
            gzip -rf: 0 f.gz
            gunzip -f: 0 x
            gunzip -rf: 0 x

            """, "\(run.stdout)\(run.stderr)")
    }
}
