import Foundation
import Testing

/// `bale pack`: archives every tar reads, the same bytes for any -p.
@Suite struct PackTests {
    /// `--one-file-system`: a mount point is stored, what is below it is
    /// not, as GNU tar does it; bale left the mount point out too, so a
    /// mode-700 mount point came back with default permissions. The same
    /// entries as `tar --one-file-system` (sorted: bale stores by name).
    @Test(.enabled(if: Machine.canMountTmpfs, "needs to mount a tmpfs (root, and a container that allows it)"))
    func oneFileSystemStoresTheMountPointAsGNUTarDoes() throws {
        let run = try Scratch().run(#"""
            mkdir -p t/mnt && echo a > t/a
            mount -t tmpfs -o size=1m,mode=700 bale-test t/mnt && trap 'umount t/mnt' EXIT
            echo inside > t/mnt/in
            "$BALE" pack --one-file-system t -o b.tar.gz 2> err; echo "bale: $? $(cat err)"
            tar --one-file-system -czf g.tar.gz t 2> /dev/null
            diff <(tar -tvzf b.tar.gz | sort) <(tar -tvzf g.tar.gz | sort) && echo "the entries of tar's"
            tar -tzf b.tar.gz | grep -c 'mnt/in'
            """#)
        #expect(run.stdout == """
            bale: 0 bale: t/mnt: file is on a different filesystem; not dumped
            the entries of tar's
            0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A tree with every kind of entry bale stores.
    static let makeTree = #"""
        mkdir -p tree/empty tree/sub/deeper "tree/spaces and ñ/üñí" 
        long=$(printf 'd%.0s' $(seq 1 120)); longer=$(printf 'f%.0s' $(seq 1 150))
        mkdir -p "tree/$long" && echo deep > "tree/$long/$longer"
        : > tree/empty-file
        printf 'x' > tree/one
        head -c 4194303 "$FIXTURES/mixed" > tree/sub/chunk-minus-1
        head -c 4194304 "$FIXTURES/mixed" > tree/sub/chunk
        head -c 4194305 "$FIXTURES/mixed" > tree/sub/deeper/chunk-plus-1
        seq 1 1000 > "tree/spaces and ñ/üñí/text file.txt"
        printf 'name\nwith newline' > "tree/sub/new
        line"
        ln -s ../one tree/sub/link-to-one
        ln -s "$long/$longer" tree/long-link
        ln -s /nonexistent/target tree/dangling
        ln tree/one tree/sub/hard-to-one
        mkfifo tree/fifo
        chmod 751 tree/sub; chmod 600 tree/one; chmod 4755 tree/sub/chunk; chmod 555 "tree/spaces and ñ/üñí"
        touch -d '2001-02-03 04:05:06.123456789' tree/sub/deeper/chunk-plus-1
        touch -h -d '2002-03-04 05:06:07' tree/sub/link-to-one
        """#

    @Test(arguments: codecs)
    func everyTarReadsTheArchive(codec: String) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Self.makeTree)
            "$BALE" pack --codec \(codec) tree -p 2; echo "status=$?"
            gzip -t tree.tar.gz && echo "gzip ok"
            tar --compare -zf tree.tar.gz && echo "gnu tar: no difference"
            tar -tvzf tree.tar.gz > gnu.list && grep -q 'tree/sub/hard-to-one link to tree/one' gnu.list && echo "hard link"
            bsdtar -tvf tree.tar.gz > bsd.list && [ $(wc -l < bsd.list) = $(wc -l < gnu.list) ] && echo "bsdtar lists all"
            python3 - <<'PY'
            import tarfile, os
            with tarfile.open('tree.tar.gz') as t:
                names = t.getnames()
                m = t.getmember('tree/sub/deeper/chunk-plus-1')
                assert abs(m.mtime - os.stat('tree/sub/deeper/chunk-plus-1').st_mtime) < 1e-6, m.mtime
                assert t.getmember('tree/dangling').linkname == '/nonexistent/target'
                assert any(n.endswith('f' * 150) for n in names)
                assert 'tree/sub/new\\nline' in names
                assert t.getmember('tree/sub/chunk').mode == 0o4755
                assert t.getmember('tree/fifo').isfifo()
            print("python ok")
            PY
            """)
        #expect(run.stdout == """
            status=0
            gzip ok
            gnu tar: no difference
            hard link
            bsdtar lists all
            python ok

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A symbolic link or a FIFO of several names (`ln` of a link) is
    /// stored once, its other names as hard links to it, as GNU tar stores
    /// them: bale stored each name as a link or FIFO of its own, and they
    /// came back as separate files (a probe helper). bale, GNU tar and
    /// bsdtar make them one file again.
    @Test func aLinkOrFIFOOfSeveralNamesIsStoredOnce() throws {
        let run = try Scratch().run(#"""
            mkdir t && echo data > t/f && ln -s f t/s && ln t/s t/s2 && mkfifo t/p && ln t/p t/p2
            "$BALE" pack t -o t.tgz; echo "status $?"
            tar -tvzf t.tgz | grep '^h' | awk '{ print $6, $7, $8, $9 }'
            mkdir bale gnu bsd && "$BALE" unpack t.tgz -C bale && tar -xzf t.tgz -C gnu && bsdtar -xzf t.tgz -C bsd
            for x in bale gnu bsd; do
                [ "$(stat -c %i $x/t/s)" = "$(stat -c %i $x/t/s2)" ] && [ "$(stat -c %i $x/t/p)" = "$(stat -c %i $x/t/p2)" ] \
                    && [ -L $x/t/s2 ] && [ -p $x/t/p2 ] && echo "$x: one file each"
            done
            """#)
        #expect(run.stdout == """
            status 0
            t/p2 link to t/p
            t/s2 link to t/s
            bale: one file each
            gnu: one file each
            bsd: one file each

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test(arguments: codecs)
    func sameBytesForAnyJobsOrReaders(codec: String) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Self.makeTree)
            "$BALE" pack --codec \(codec) tree -p 1 --io-threads 1 -o p1.tar.gz
            "$BALE" pack --codec \(codec) tree -p 2 -o p2.tar.gz
            "$BALE" pack --codec \(codec) tree -p 4 --io-threads 5 -o - > p4.tar.gz
            cmp p1.tar.gz p2.tar.gz && cmp p1.tar.gz p4.tar.gz && echo same
            """)
        #expect(run.stdout == "same\n", "\(run.stdout)\(run.stderr)")
    }

    @Test func optionsChooseWhatAndWhere() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p src/a src/b && seq 1 10 > src/a/keep.txt && seq 1 10 > src/a/drop.o && seq 1 5 > src/b/x
            "$BALE" pack -C src a b --exclude '*.o' -o out.tar.gz && tar -tzf out.tar.gz | sort | tr '\\n' ' '; echo
            "$BALE" pack src; echo "default=$?"; [ -e src.tar.gz ] && echo "src.tar.gz"
            "$BALE" pack src; echo "exists=$?"
            ln -s src/a alink; "$BALE" pack -h alink -o deref.tar.gz && tar -tvzf deref.tar.gz | head -1 | cut -c1
            """)
        #expect(run.stdout == "a/ a/keep.txt b/ b/x \ndefault=0\nsrc.tar.gz\nexists=1\nd\n", "\(run.stdout)\(run.stderr)")
    }

    /// `--exclude ./NAME`, as a `tar -c .` user writes it: GNU tar's
    /// names begin with `./` there, bale's do not, so the glob matched
    /// nothing and what it named was packed (a `./.env`, a
    /// `./node_modules`), exit 0. Now it names what GNU tar leaves out:
    /// the top one only (not `src/node_modules`), for `pack .` and `pack
    /// ./proj` alike, and `unpack --exclude ./src` of GNU's `./` archive.
    @Test func excludeWithLeadingDotSlashAsGnuTar() throws {
        let run = try Scratch().run(#"""
            mkdir -p proj/node_modules/x proj/src/node_modules && echo secret > proj/.env
            echo 1 > proj/node_modules/x/i.js && echo 2 > proj/src/m.js && echo 3 > proj/src/node_modules/k
            names() { tar -tzf "$1" | sed 's,^\./,,; /^$/d' | sort | tr '\n' ' '; echo; }
            ( cd proj && tar -czf ../g.tgz --exclude=./node_modules --exclude=./.env . &&
              "$BALE" pack . --exclude ./node_modules --exclude ./.env -o ../b.tgz )
            [ "$(names g.tgz)" = "$(names b.tgz)" ] && echo "pack . as tar: $(names b.tgz)"
            tar -czf g2.tgz --exclude ./proj/src ./proj && "$BALE" pack ./proj --exclude ./proj/src -o b2.tgz
            [ "$(names g2.tgz)" = "$(names b2.tgz)" ] && echo "pack ./proj as tar"
            mkdir u v && tar -czf all.tgz -C proj . && "$BALE" unpack all.tgz -C u --exclude ./src
            tar -xzf all.tgz -C v --exclude ./src && diff -r u v && echo "unpack as tar"
            """#)
        #expect(run.stdout == """
            pack . as tar: src/ src/m.js src/node_modules/ src/node_modules/k\u{20}
            pack ./proj as tar
            unpack as tar

            """, "\(run.stdout)\(run.stderr)")
    }

    /// bale's `-C` applies to every path; GNU tar's only to those after
    /// it, so `tar -czf t.tgz same -C in` stores the `same` it was started
    /// beside, where `bale pack same -C in` packed `in/same`, another file,
    /// exit 0 (a probe helper). A `-C` after a path is a usage error; one
    /// before the paths, or an `-o` named `-C`, is not.
    @Test func aDirectoryAfterAPathIsRefused() throws {
        let run = try Scratch().run(#"""
            mkdir in && echo outer > same && echo inner > in/same
            "$BALE" pack same -C in -o x.tgz 2> err; echo "after: $? $(head -n 1 err)"; ls x.tgz 2> /dev/null
            "$BALE" pack -f same -Cin -o x.tgz 2> /dev/null; echo "joined, after: $?"
            "$BALE" pack -C in same -o x.tgz && tar -xOzf x.tgz same
            "$BALE" pack -o -C same && tar -xOzf ./-C same
            """#)
        #expect(run.stdout == """
            after: 64 Error: -C comes after 'same': bale's -C applies to every path, so it goes before them (GNU tar's applies only to the paths after it, and would read 'same' from here)
            joined, after: 64
            inner
            outer

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A glob that matches a directory on the way to a path given leaves
    /// the path out, as GNU tar's (FNM_LEADING_DIR): `find . -type f |
    /// bale pack -T - --exclude .git` packed `.git`'s files, named one by
    /// one, exit 0 (a probe helper); `gzip -r --exclude sub g/sub`
    /// compressed `g/sub`'s files.
    @Test func excludeMatchesTheDirectoriesOfAPathGiven() throws {
        let run = try Scratch().run(#"""
            mkdir -p d/.git/refs d/sub && echo 1 > d/.git/HEAD && echo 2 > d/.git/refs/x && echo 3 > d/sub/c.txt && echo 4 > d/a.txt
            find d -type f | sort > list
            tar -czf gnu.tgz --exclude .git --exclude sub -T list
            "$BALE" pack -o bale.tgz --exclude .git --exclude sub -T list; echo "pack: $?"
            tar -tzf bale.tgz; [ "$(tar -tzf gnu.tgz)" = "$(tar -tzf bale.tgz)" ] && echo "as tar"
            "$BALE" gzip -r --exclude sub d/sub; echo "gzip -r: $? $(find d -name '*.gz' | wc -l)"
            """#)
        #expect(run.stdout == """
            pack: 0
            d/a.txt
            as tar
            gzip -r: 0 0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `--exclude` of a path given as absolute or with `../` (`tar -c
    /// --exclude=/srv/u/cache /srv/u`, the usual backup line): bale
    /// matched globs only on the stored name (`srv/u/cache`), so the cache
    /// was packed without a word, exit 0. Globs are tried on the path as
    /// walked too, as GNU tar tries them: the same entries as tar's, for
    /// pack and for gzip -r; and `--exclude '.*'` of `pack .` still leaves
    /// out the hidden names only (tar's matches `.` itself: no entries).
    @Test func excludeMatchesThePathAsGiven() throws {
        let run = try Scratch().run(#"""
            mkdir -p home/u/cache/deep home/u/docs sub && echo c > home/u/cache/deep/big && echo d > home/u/docs/d
            echo h > home/u/.hidden && here=$PWD
            names() { tar -tzf "$1" | sort | tr '\n' ' '; echo; }
            tar -czf g1.tgz --exclude="$here/home/u/cache" "$here/home/u" 2> /dev/null
            "$BALE" pack "$here/home/u" --exclude "$here/home/u/cache" -o b1.tgz 2> /dev/null; echo "absolute: $?"
            [ "$(names g1.tgz)" = "$(names b1.tgz)" ] && echo "as tar: $(names b1.tgz | sed "s,${here#/}/,,g")"
            tar -czf g2.tgz --exclude="${here}/home/*/c*" "$here/home/u" 2> /dev/null
            "$BALE" pack "$here/home/u" --exclude "${here}/home/*/c*" -o b2.tgz 2> /dev/null
            [ "$(names g2.tgz)" = "$(names b2.tgz)" ] && echo "a glob: as tar"
            ( cd sub && tar -czf ../g3.tgz --exclude=../home/u/cache ../home/u 2> /dev/null &&
              "$BALE" pack ../home/u --exclude ../home/u/cache -o ../b3.tgz 2> /dev/null )
            [ "$(names g3.tgz)" = "$(names b3.tgz)" ] && echo "../: as tar: $(names b3.tgz)"
            ( cd home/u && "$BALE" pack . --exclude '.*' -o - ) | tar -tz | sort | tr '\n' ' '; echo
            ( cd sub && "$BALE" gzip -r ../home/u --exclude ../home/u/cache ) && find home -name '*.gz' | sort | tr '\n' ' '; echo
            """#)
        #expect(run.stdout == """
            absolute: 0
            as tar: home/u/ home/u/.hidden home/u/docs/ home/u/docs/d\u{20}
            a glob: as tar
            ../: as tar: home/u/ home/u/.hidden home/u/docs/ home/u/docs/d\u{20}
            ./ ./cache/ ./cache/deep/ ./cache/deep/big ./docs/ ./docs/d\u{20}
            home/u/.hidden.gz home/u/docs/d.gz\u{20}

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func reproducibleAndListOptions() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/a && seq 1 100 > t/a/x.txt && seq 1 5 > t/y.log && seq 1 7 > "t/a/sp ace.txt"
            stamp="--mtime 2020-01-02 --owner nobody:65534 --group 4242 --numeric-owner"
            "$BALE" pack t $stamp -o r1.tar.gz
            sleep 1; touch t/a/x.txt t/a t
            "$BALE" pack t --mtime @$(date -d 2020-01-02 +%s) --owner nobody:65534 --group 4242 --numeric-owner -o r2.tar.gz
            cmp r1.tar.gz r2.tar.gz && echo reproducible
            tar -tvzf r1.tar.gz --numeric-owner | awk '{print $2, $4}' | sort -u
            find t -name '*.txt' -print0 | sort -z | "$BALE" pack --files-from - --null -o list.tar.gz && tar -tzf list.tar.gz
            """)
        #expect(run.stdout == "reproducible\n65534/4242 2020-01-02\nt/a/sp ace.txt\nt/a/x.txt\n", "\(run.stdout)\(run.stderr)")
    }

    /// `--mtime` with a fraction of a second, as GNU tar takes it (`@1.5`,
    /// before 1970 too, and a date's seconds): stored to the nanosecond in
    /// pax `mtime` as GNU tar stores it, digits past the ninth rounded down
    /// (before 1970, a nanosecond earlier). A local time a clock change
    /// skips is refused, as GNU tar refuses it (bale took 03:30 for 02:30). GNU
    /// tar judges, through python's tarfile. (bale refused them: exit 64.)
    @Test func aTimeWithAFractionOfASecond() throws {
        let run = try Scratch().run("""
            mkdir t && echo x > t/f
            for v in @1.5 @-1.5 @-0.5 @1.1234567899 @-1.1234567891234 @-0.0000000001 '2020-01-02 03:04:05.25' 2020-01-02T03:04:05.5 @7; do
              rm -f b.tgz m.tar
              "$BALE" pack --mtime "$v" t -o b.tgz || { echo "refused $v"; continue; }
              tar --format=pax --mtime="$v" -cf m.tar t
              python3 -c "
            import sys, tarfile
            got = [(m.name, m.pax_headers.get('mtime'), m.mtime) for m in tarfile.open('b.tgz')]
            want = [(m.name, m.pax_headers.get('mtime'), m.mtime) for m in tarfile.open('m.tar')]
            print(sys.argv[1], 'same' if got == want else (got, want), got[-1][2])" "$v"
              rm -rf out && mkdir out && "$BALE" unpack b.tgz -C out && stat -c %.9Y out/t/f
            done
            # a local time a clock change skips is no real time (mktime made it an hour later)
            TZ=EST5EDT,M3.2.0,M11.1.0 "$BALE" pack --mtime '2024-03-10 02:30:00.5' t -o gap.tgz 2> /dev/null; echo "gap: $?"
            TZ=EST5EDT,M3.2.0,M11.1.0 "$BALE" pack --mtime '2024-03-10 03:30:00.5' t -o after.tgz; echo "after: $?"
            """)
        #expect(run.stdout == """
            @1.5 same 1.5
            1.500000000
            @-1.5 same -1.5
            -1.500000000
            @-0.5 same -0.5
            -0.500000000
            @1.1234567899 same 1.123456789
            1.123456789
            @-1.1234567891234 same -1.12345679
            -1.123456790
            @-0.0000000001 same -1e-09
            -0.000000001
            2020-01-02 03:04:05.25 same \(Self.localSeconds("2020-01-02 03:04:05")).25
            \(Self.localSeconds("2020-01-02 03:04:05")).250000000
            2020-01-02T03:04:05.5 same \(Self.localSeconds("2020-01-02 03:04:05")).5
            \(Self.localSeconds("2020-01-02 03:04:05")).500000000
            @7 same 7
            7.000000000
            gap: 64
            after: 0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Seconds since 1970 of a local time, as `date` computes them.
    static func localSeconds(_ date: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/date")
        process.arguments = ["-d", date, "+%s"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try? process.run()
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func socketsAndSymlinkLoops() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/sub && seq 1 10 > t/sub/f
            python3 -c "import socket; s = socket.socket(socket.AF_UNIX); s.bind('t/sock')"
            "$BALE" pack t -o s.tar.gz; echo "socket=$?"; tar -tzf s.tar.gz | grep -c sock
            ln -s .. t/sub/up
            "$BALE" pack -h t -o loop.tar.gz; echo "loop=$?"; tar -tzf loop.tar.gz > /dev/null && echo "valid tar"
            """)
        // A loop inside the tree is left out with a warning (exit 2), the archive whole.
        #expect(run.stdout == "socket=0\n0\nloop=2\nvalid tar\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("t/sock: socket ignored"), "\(run.stderr)")
        #expect(run.stderr.contains("t/sub/up: Symbolic link loop"), "\(run.stderr)")
    }

    @Test func troubleWhileReadingKeepsTheArchiveValid() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir tree && seq 1 10 > tree/a && seq 1 10 > tree/z
            # a file that grows while bale reads it
            head -c 3000000 "$FIXTURES/mixed" > tree/growing
            ( for i in $(seq 1 400); do echo more >> tree/growing; sleep 0.005; done ) & grower=$!
            sleep 0.2
            "$BALE" pack -1 -p 1 tree -o grow.tar.gz; echo "status=$?"
            wait $grower
            tar -tzf grow.tar.gz > /dev/null && echo "valid tar"
            "$BALE" pack tree/missing tree/a -o missing.tar.gz; echo "missing=$?"
            ls missing.tar.gz .missing.tar.gz.bale-* 2>&1 | sed 's/.*cannot access.*/no archive/' | sort -u
            """)
        // The grower may finish before bale reads the file on a fast machine; a change is then not seen.
        // A path given that is not there: exit 1 and no archive at all (see BehaviourTests).
        #expect(run.stdout.contains("valid tar\nmissing=1\nno archive\n"), "\(run.stdout)\(run.stderr)")
        // The growing file is archived whole or said to have changed: never a failure.
        #expect(run.stdout.hasPrefix("status=0\n") || run.stdout.hasPrefix("status=2\n"), "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("tree/missing: Cannot stat: No such file or directory"), "\(run.stderr)")
        if run.stdout.hasPrefix("status=2") {
            #expect(run.stderr.contains("tree/growing: file changed as we read it"), "\(run.stderr)")
        }
    }

    /// The walk runs while the archive is written, so the archive's own
    /// temporary file may be met inside the tree: it is never stored. The
    /// walk's entries stream into the archive in the same order as a list
    /// made first would give (GNU tar --sort=name's order).
    @Test func anArchiveInsideItsTreeIsNotStored() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/a t/b && for i in $(seq 1 3000); do echo $i > t/a/f$i; done && seq 1 9 > t/b/g
            "$BALE" pack -p 2 t -o t/self.tar.gz; echo "status=$?"
            tar -tzf t/self.tar.gz > list
            grep -c bale- list
            grep -c self.tar.gz list
            wc -l < list
            tar --sort=name --exclude=self.tar.gz -cf - t | tar -tf - > gnu
            cmp list gnu && echo "same order as GNU tar --sort=name"
            """)
        #expect(run.stdout == "status=0\n0\n0\n3004\nsame order as GNU tar --sort=name\n", "\(run.stdout)\(run.stderr)")
    }

    /// The archive's directory renamed while `pack -o` writes into it: the
    /// finished archive lands in it, as GNU tar's does (it writes through
    /// the descriptor it opened), exit 0, no temporary file left anywhere.
    /// By path, the rename at the end failed (exit 1) and the whole
    /// temporary file stayed in the renamed directory (a probe). Under a
    /// limit too low to spare the directory's descriptor the archive is
    /// still named by path (`PackCommand.spareToHoldTheDirectory`): that is
    /// DeepFilesLowLimitTests' part. The move is made once the temporary
    /// file exists, and the test says whether it was still there after
    /// the move, so a run that ended too soon fails rather than passes.
    @Test func anArchivesDirectoryRenamedMidWriteGetsIt() throws {
        let run = try Scratch().run("""
            mkdir d src && seq 1 6000000 > src/f && seq 5 9 > src/g
            "$BALE" pack -p 1 -o d/x.tar.gz src 2> err & pid=$!
            for _ in $(seq 1 1500); do ls -A d | grep -q '\\.bale-' && break; sleep 0.01; done
            mv d d2 && mkdir d && ls -A d2 | grep -q '\\.bale-' && echo "moved while writing"
            wait $pid; echo "status $?"
            cat err
            ls -A d d2 | tr '\\n' ' '; echo
            mkdir out && tar -xzf d2/x.tar.gz -C out && diff -r src out/src && echo "same tree"
            """)
        #expect(run.stdout == "moved while writing\nstatus 0\nd:  d2: x.tar.gz \nsame tree\n",
                "\(run.stdout)\(run.stderr)")
    }

    /// `-o` naming a directory with a slash (`-o backups/`, meant as
    /// "into backups"): refused before any work, as GNU tar's "Cannot open:
    /// Is a directory", exit 1, nothing made. The archive was written whole
    /// under a temporary name, and the rename at the end failed with "No
    /// such file or directory".
    @Test func anOutputNameEndingInASlashIsADirectory() throws {
        let run = try Scratch().run("""
            mkdir src d && seq 1 1000 > src/a
            for o in d/ missing/; do
              "$BALE" pack -o $o src 2> err; echo "$o: status $? $(cat err)"
            done
            ls -A d; [ -e missing ] && echo "missing made"
            echo x > f && "$BALE" gzip -f -o d/ f 2> err; echo "gzip -f -o d/: status $? $(cat err)"
            ls -A d
            """)
        #expect(run.stdout == """
            d/: status 1 bale: d/: Is a directory
            missing/: status 1 bale: missing/: Is a directory
            gzip -f -o d/: status 1 bale: d/: Is a directory

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The default archive name is not replaced without -f, also when
    /// someone makes a file there while bale packs: the commit renames
    /// without replacing (strace holds it while the file is made). That
    /// file is kept, bale's archive is discarded, and `--remove-files`
    /// removes nothing (exit 1). The rename replaced the file, exit 0, and
    /// the tree was removed (a probe).
    @Test(.enabled(if: Machine.canTrace, "needs strace"))
    func aFileMadeAtTheDefaultNameMeanwhileIsKept() throws {
        let run = try Scratch().run(#"""
            mkdir t && echo data > t/f
            strace -f -qq -o trace -e trace=renameat,renameat2,linkat -e inject=renameat,renameat2,linkat:delay_enter=1000000 \
                "$BALE" pack --remove-files --manifest m t 2> err &
            for _ in $(seq 1 1500); do grep -q rename trace 2> /dev/null && break; sleep 0.02; done
            echo "someone else's" > t.tar.gz
            wait $!
            echo "exit $? $(cat err)"
            echo "$(cat t.tar.gz) | $(ls -A | tr '\n' ' ')| $(ls t)"
            """#)
        #expect(run.stdout == """
            exit 1 bale: t.tar.gz already exists; not overwritten (use -f or -o)
            bale: --remove-files: nothing removed, as the run failed
            someone else's | err t t.tar.gz trace | f

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A manifest or JSON summary, made at the job's end, whose name cannot
    /// be made (its directory missing, or a directory by that name) is
    /// refused before the work: before, the archive (or `gzip -r`'s
    /// outputs) was made and the job then failed on the manifest, exit 1
    /// with the work done. An archive named as an existing directory is
    /// refused before the work too.
    @Test func anOutputThatCannotBeMadeIsRefusedBeforeTheWork() throws {
        let run = try Scratch().run("""
            mkdir src d && seq 1 100000 > src/a && seq 5 9 > src/b
            try() { "$BALE" "$@" 2> err; echo "$*: status $? $(cat err)"; }
            try pack -o x.tgz --manifest nodir/m src
            try pack -o x.tgz --manifest d src
            try pack -o x.tgz --json-file nodir/j src
            try pack -o d src
            try gzip -r --manifest nodir/m src
            try gzip -r -k --manifest d src
            try gzip -k src/a --json-file nodir/j
            ls -A . d src
            """)
        #expect(run.stdout == """
            pack -o x.tgz --manifest nodir/m src: status 1 bale: nodir/m: No such file or directory (the manifest)
            pack -o x.tgz --manifest d src: status 1 bale: d: Is a directory (the manifest)
            pack -o x.tgz --json-file nodir/j src: status 1 bale: nodir/j: No such file or directory (the JSON summary)
            pack -o d src: status 1 bale: d: Is a directory
            gzip -r --manifest nodir/m src: status 1 bale: nodir/m: No such file or directory (the manifest)
            gzip -r -k --manifest d src: status 1 bale: d: Is a directory (the manifest)
            gzip -k src/a --json-file nodir/j: status 1 bale: nodir/j: No such file or directory (the JSON summary)
            .:
            d
            err
            src

            d:

            src:
            a
            b

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The same from a current directory that was removed (a batch job's
    /// scratch directory cleaned under it): a name relative to it passed
    /// the check (the directory still answers, with no link left), and
    /// the job ran whole before it failed, `gzip -r`'s inputs compressed
    /// and removed (a probe helper).
    @Test func anOutputInARemovedCurrentDirectoryIsRefusedBeforeTheWork() throws {
        let run = try Scratch().run("""
            mkdir src gone && seq 1 1000 > src/a && top=$PWD && cd gone && rmdir ../gone
            try() { said=$("$BALE" "$@" 2>&1); echo "$*: status $? $said" | sed "s|$top/src|/SRC|g; s|$top/x.tgz|/X|"; }
            try gzip -r "$top/src" --json-file j
            try gzip -r "$top/src" --manifest m
            try pack -o "$top/x.tgz" --manifest m "$top/src"
            try sum "$top/src/a" --json-file j
            cd "$top" && ls -A . src
            """)
        #expect(run.stdout == """
            gzip -r /SRC --json-file j: status 1 bale: j: No such file or directory (the JSON summary)
            gzip -r /SRC --manifest m: status 1 bale: m: No such file or directory (the manifest)
            pack -o /X --manifest m /SRC: status 1 bale: m: No such file or directory (the manifest)
            sum /SRC/a --json-file j: status 1 bale: j: No such file or directory (the JSON summary)
            .:
            src

            src:
            a

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `--json`'s `files` for `pack` is the regular files the archive
    /// holds: a file that cannot be opened ("Cannot open", left out) was
    /// counted (2 said of an archive of one; 11 of none: a reading
    /// helper). Run as nobody, to whom one file is unreadable.
    @Test(.enabled(if: Machine.isRoot && Machine.has("setpriv"), "running as nobody needs root and setpriv"))
    func theSummaryCountsTheFilesArchived() throws {
        let run = try Scratch().run(#"""
            chmod 777 . && cp "$BALE" ./bale-copy && chmod 755 ./bale-copy
            mkdir e && echo hi > e/ok && echo no > e/bad && chmod 000 e/bad && ln e/ok e/link && chmod 777 e
            setpriv --reuid=nobody --regid=nogroup --clear-groups ./bale-copy pack e -o "$PWD/x.tgz" --json-file "$PWD/j" 2> err
            echo "pack: $? $(grep -c 'e/bad: Cannot open' err)"
            python3 -c "import json; print('files', json.load(open('j'))['files'])"
            tar -tvzf x.tgz | grep -c '^-'
            """#)
        #expect(run.stdout == "pack: 2 1\nfiles 1\n1\n", "\(run.stdout)\(run.stderr)")
    }
}
