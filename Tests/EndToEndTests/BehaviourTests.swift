import Foundation
import Testing

// Issue 14, points 6 to 9: bale behaves as the tools it stands in for
// (GNU tar, gzip -r) where they are right, and as its exit codes promise
// where they differ. Outside tools judge: GNU tar for stored names and
// archives, gzip/cmp for contents, `find` for what was left on disk.

/// True when this machine lets the tests mount a small tmpfs (root in a
/// container that allows it): a full disk is then real, not simulated.
let canMountTmpfs: Bool = {
    let scratch = Scratch()
    let run = try? scratch.run("mkdir m && mount -t tmpfs -o size=1m bale-probe m 2>/dev/null && umount m && echo yes")
    return run?.stdout == "yes\n"
}()

/// Point 6: `bale pack` never stores a `..` component, nor a leading `/`.
@Suite struct PackNeverStoresDotDotTests {
    /// A tree to pack from inside `w`, with a file above it.
    static let tree = """
        mkdir -p o root/w/a root/w/b root/w/c/d && echo f > root/w/b/f && echo g > root/w/c/d/g && echo top > root/top
        cd root/w
        """

    /// For each path, bale stores the names GNU tar stores (`./` for a
    /// path that names the directory itself, `a/..`, as GNU tar), says
    /// what it removed as GNU tar says it, and exits 0. The archives go to
    /// `o`, outside the trees packed.
    @Test func namesAreWhatGNUTarStores() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.tree + #"""

            o=../../o
            for p in ../top a/../b ./a/../b/f a/../../w/b "$PWD/b/f" //"$PWD/b" c/d/../../b c/.. a/.. .. ../w/c/d/.. ../w/./b; do
                tar --sort=name -cf $o/gnu.tar "$p" 2> $o/gnu.err
                "$BALE" pack "$p" -f -o $o/bale.tar.gz 2> $o/bale.err; status=$?
                tar -tf $o/gnu.tar > $o/gnu.names
                tar -tzf $o/bale.tar.gz > $o/bale.names
                cmp -s $o/gnu.names $o/bale.names || { echo "$p: names differ"; diff $o/gnu.names $o/bale.names; }
                grep -E '(^|/)\.\.(/|$)' $o/bale.names && echo "$p: a stored '..'"
                [ -s $o/bale.err ] || echo "$p: no notice"
                sed 's/^bale: //' $o/bale.err | while IFS= read -r line; do
                    grep -qxF "tar: $line" $o/gnu.err || echo "$p: GNU tar does not say: $line"
                done
                echo "$p: $status"
            done
            """#)
        #expect(run.stdout == """
            ../top: 0
            a/../b: 0
            ./a/../b/f: 0
            a/../../w/b: 0
            \(scratch.path)/root/w/b/f: 0
            //\(scratch.path)/root/w/b: 0
            c/d/../../b: 0
            c/..: 0
            a/..: 0
            ..: 0
            ../w/c/d/..: 0
            ../w/./b: 0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The notice is said once per prefix, as GNU tar says it (GNU tar
    /// also names hard link targets, which bale takes from the cleaned
    /// names), and the
    /// names from -T (with -C) are cleaned as the command line's are.
    @Test func filesFromAndDirectoryAreCleanedToo() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.tree + #"""

            cd ../..
            printf '../top\na/../b\n../w/c\n%s/root/top\n' "$PWD" > list
            tar --sort=name -C root/w -T list -cf gnu.tar 2> gnu.err
            "$BALE" pack -C root/w -T list -o bale.tar.gz 2> bale.err; echo "status=$?"
            tar -tf gnu.tar > gnu.names; tar -tzf bale.tar.gz > bale.names
            cmp gnu.names bale.names && echo "same names as GNU tar"
            grep -E '(^|/)\.\.(/|$)' bale.names
            sed 's/^bale: //' bale.err | sort > bale.said; grep 'member names' gnu.err | sed 's/^tar: //' | sort > gnu.said
            cmp gnu.said bale.said && echo "same notices as GNU tar"
            cat bale.said
            mkdir dest && "$BALE" unpack bale.tar.gz -C dest && echo "bale unpacks it"
            mkdir gdest && tar -xzf bale.tar.gz -C gdest && diff -r dest gdest && echo "GNU tar unpacks the same"
            """#)
        #expect(run.stdout == """
            status=0
            same names as GNU tar
            same notices as GNU tar
            Removing leading `../' from member names
            Removing leading `/' from member names
            Removing leading `a/../' from member names
            bale unpacks it
            GNU tar unpacks the same

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `pack ..` (no -o) names its archive archive.tar.gz, as `pack .`
    /// does, not "...tar.gz".
    @Test func aDotDotPathGetsTheDefaultName() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.tree + """

            cd a && "$BALE" pack .. 2> ../../../err; echo "status=$?"; ls -A
            tar -tzf archive.tar.gz | sort | tr '\\n' ' '; echo
            """)
        #expect(run.stdout == "status=0\narchive.tar.gz\n./ a/ b/ b/f c/ c/d/ c/d/g \n", "\(run.stdout)\(run.stderr)")
    }

    /// `gzip -r --out-dir OUT ../src` mirrors src under OUT, never beside it.
    @Test func outDirNeverClimbsOut() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p src/sub w && echo a > src/a && echo b > src/sub/b && cd w
            "$BALE" gzip -r -k --out-dir out ../src; echo "status=$?"
            cd .. && find . -name '*.gz' | sort
            """)
        #expect(run.stdout == "status=0\n./w/out/src/a.gz\n./w/out/src/sub/b.gz\n", "\(run.stdout)\(run.stderr)")
    }
}

/// Point 7: an archive read from a pipe is read as from a file.
@Suite struct PipeInputTests {
    @Test func unpackListAndVerifyFromAPipe() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p t/sub && head -c 3000000 /dev/urandom > t/r && seq 1 300000 > t/sub/s && : > t/empty && ln -s r t/link
            tar -cf gnu.tar t && tar -czf gnu.tar.gz t && "$BALE" pack -p 2 t -o bale.tar.gz
            for a in gnu.tar gnu.tar.gz bale.tar.gz; do
                rm -rf out && cat $a | "$BALE" unpack - -C out; s1=$?
                diff -r t out/t && echo "$a: unpacked from a pipe, same tree"
                "$BALE" list $a > from-file; cat $a | "$BALE" list - > from-pipe; s2=$?
                cmp from-file from-pipe && echo "$a: listed from a pipe as from the file"
                cat $a | "$BALE" verify - > verified; s3=$?
                echo "$a: $s1 $s2 $s3 $(sed 's/ (.*//' verified)"
            done
            "$BALE" pack t -o - | "$BALE" list - | wc -l
            tar -tf gnu.tar | wc -l
            """)
        #expect(run.stdout == """
            gnu.tar: unpacked from a pipe, same tree
            gnu.tar: listed from a pipe as from the file
            gnu.tar: 0 0 0 stdin: OK
            gnu.tar.gz: unpacked from a pipe, same tree
            gnu.tar.gz: listed from a pipe as from the file
            gnu.tar.gz: 0 0 0 stdin: OK
            bale.tar.gz: unpacked from a pipe, same tree
            bale.tar.gz: listed from a pipe as from the file
            bale.tar.gz: 0 0 0 stdin: OK
            6
            6

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `verify -` checks the tar inside a gzip stream as it does for a file
    /// named .tar.gz (a tar structure damaged under sound gzip members is
    /// an error, from a pipe too), and a .gz of anything else as gunzip -t.
    @Test func verifyFromAPipeChecksTheTarInside() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir -p t/sub && seq 1 1000 > t/a && seq 1 2000 > t/sub/b && tar -cf t.tar t
            python3 - <<'PY'
            import gzip
            data = bytearray(open('t.tar', 'rb').read())
            data[512 + 148:512 + 156] = b'7777777\0'   # the second header's checksum, wrong
            open('bad.tar.gz', 'wb').write(gzip.compress(bytes(data)))
            open('good.tar.gz', 'wb').write(gzip.compress(open('t.tar', 'rb').read()))
            PY
            gzip -t bad.tar.gz && echo "gzip -t: members sound"
            "$BALE" verify good.tar.gz; cat good.tar.gz | "$BALE" verify -; echo "good: $?"
            "$BALE" verify bad.tar.gz 2> /dev/null; echo "bad file: $?"
            cat bad.tar.gz | "$BALE" verify - 2> err; echo "bad pipe: $?"
            grep -c 'bad tar header checksum' err
            seq 1 100000 | gzip | "$BALE" verify -; echo "text: $?"
            "$BALE" sum t > t.sha256 && "$BALE" pack t -o - | "$BALE" verify - --manifest t.sha256
            """#)
        #expect(run.stdout == """
            gzip -t: members sound
            good.tar.gz: OK (4 entries)
            stdin: OK (4 entries)
            good: 0
            bad file: 1
            bad pipe: 1
            1
            stdin: OK
            text: 0
            stdin: OK (4 entries, 2 files match the manifest)

            """, "\(run.stdout)\(run.stderr)")
    }

    /// An empty or 1-byte input, from a pipe or a file, is a clear error
    /// (exit 1), and unpack makes nothing.
    @Test func tooShortInputsAreErrors() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            : > empty; printf '\\037' > one; touch stamp; sleep 0.01
            for c in "unpack -C out" list verify; do
                : | "$BALE" $c - 2>&1; echo "$c, empty pipe: $?"
                printf '\\037' | "$BALE" $c - 2>&1; echo "$c, 1-byte pipe: $?"
            done
            "$BALE" unpack empty -C out; echo "empty file: $?"
            "$BALE" list one; echo "1-byte file: $?"
            find . -newer stamp
            """)
        #expect(run.stdout == """
            bale: stdin: empty: not a gzip file or a tar archive
            unpack -C out, empty pipe: 1
            bale: stdin: 1 byte: not a gzip file or a tar archive
            unpack -C out, 1-byte pipe: 1
            bale: stdin: empty: not a gzip file or a tar archive
            list, empty pipe: 1
            bale: stdin: 1 byte: not a gzip file or a tar archive
            list, 1-byte pipe: 1
            bale: stdin: empty: not a gzip file or a tar archive
            verify, empty pipe: 1
            bale: stdin: 1 byte: not a gzip file or a tar archive
            verify, 1-byte pipe: 1
            empty file: 1
            1-byte file: 1

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("bale: empty: empty: not a gzip file or a tar archive"), "\(run.stderr)")
        #expect(run.stderr.contains("bale: one: 1 byte: not a gzip file or a tar archive"), "\(run.stderr)")
    }

    /// A terminal is not an archive: refused at once, as GNU tar refuses it.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) to give bale a terminal"))
    func aTerminalIsRefused() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            for c in "unpack -C out" list verify; do
                script -qec "\"$BALE\" $c -; echo \"status=\$?\"" /dev/null < /dev/null | tr -d '\r'
            done
            ls out 2>&1 | grep -c 'No such file'
            """#)
        #expect(run.stdout == String(repeating: """
            bale: stdin: refusing to read an archive from a terminal; give ARCHIVE, or pipe it in
            status=1

            """, count: 3) + "1\n", "\(run.stdout)\(run.stderr)")
    }

    /// A stream cut short is an error from a pipe too.
    @Test func aCutStreamFromAPipeIsAnError() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir t && head -c 3000000 /dev/urandom > t/r && "$BALE" pack t -o t.tar.gz && tar -czf g.tar.gz t
            for a in t.tar.gz g.tar.gz; do
                head -c 1000000 $a | "$BALE" unpack - -C out 2>/dev/null; echo "$a unpack: $?"
                head -c 1000000 $a | "$BALE" verify - > /dev/null 2>&1; echo "$a verify: $?"
            done
            find out -type f 2>/dev/null
            """)
        #expect(run.stdout == """
            t.tar.gz unpack: 1
            t.tar.gz verify: 1
            g.tar.gz unpack: 1
            g.tar.gz verify: 1

            """, "\(run.stdout)\(run.stderr)")
    }
}

/// Point 8: work that could not be done is named, and exit 1 leaves no
/// partial output.
@Suite struct PartialWorkTests {
    /// An archive of files too big for the limit (large and small ones:
    /// bale writes them on different paths) and files that fit.
    static let archive = """
        mkdir t && head -c 3000000 /dev/urandom > t/big1 && head -c 600000 /dev/urandom > t/small-big
        seq 1 1000 > t/fits1 && head -c 1500000 /dev/urandom > t/big2 && head -c 300000 /dev/urandom > t/fits2
        "$BALE" pack t -o t.tar.gz
        """

    /// Each entry of the archive (by GNU tar's list) is either on disk
    /// whole or named in `err` as not extracted; no temporary is left.
    static let checkEveryEntry = #"""

        tar -tzf t.tar.gz | grep -v '/$' | while IFS= read -r name; do
            if [ -e "out/$name" ]; then
                cmp -s "out/$name" "$name" && echo "$name: whole" || echo "$name: PARTIAL"
            else
                grep -qF "bale: $name: write error: " err && grep -F "bale: $name: " err | grep -q 'not extracted' \
                    && echo "$name: named" || echo "$name: MISSING, NOT NAMED"
            fi
        done
        find out -name '.*' | sed 's/^/temporary left: /'
        """#

    @Test func unpackNamesEveryEntryAWriteErrorStopped() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.archive + """

            ( ulimit -f 500; "$BALE" unpack t.tar.gz -C out 2> err; echo "status=$?" )
            """ + Self.checkEveryEntry)
        #expect(run.stdout == """
            status=1
            t/big1: named
            t/big2: named
            t/fits1: whole
            t/fits2: whole
            t/small-big: named

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test(.enabled(if: canMountTmpfs, "needs to mount a tmpfs (root, and a container that allows it)"))
    func unpackOnAFullDiskNamesEveryEntryNotExtracted() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.archive + """

            mkdir out && mount -t tmpfs -o size=2m bale-test out && trap 'umount out' EXIT
            "$BALE" unpack t.tar.gz -C out 2> err; echo "status=$?"
            """ + Self.checkEveryEntry)
        #expect(run.stdout.hasPrefix("status=1\n"), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("t/big1: named\n"), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("t/fits1: whole\n"), "\(run.stdout)\(run.stderr)")
        #expect(!run.stdout.contains("PARTIAL") && !run.stdout.contains("NOT NAMED")
                && !run.stdout.contains("temporary left"), "\(run.stdout)\(run.stderr)")
    }

    /// Each input of gzip -r is compressed whole (gzip -dc gives it back)
    /// or named as not compressed, and left as it was.
    static let checkEveryInput = #"""

        find src -type f | sort | while IFS= read -r f; do
            if [ -e "out/$f.gz" ]; then
                gzip -dc "out/$f.gz" | cmp -s - "$f" && echo "$f: whole" || echo "$f: PARTIAL"
            else
                grep -qF "$f not compressed" err || grep -qF "bale: $f: not compressed" err \
                    && echo "$f: named" || echo "$f: MISSING, NOT NAMED"
            fi
        done
        cmp -s src.sum <(find src -type f | sort | xargs sha256sum) && echo "inputs unchanged"
        find out -name '.*' | sed 's/^/temporary left: /'
        """#

    static let sources = """
        mkdir -p src/sub && for i in 1 2 3; do head -c 1500000 /dev/urandom > src/r$i; done
        for i in 1 2 3; do seq 1 $((i * 1000)) > src/sub/t$i; done
        find src -type f | sort | xargs sha256sum > src.sum
        """

    @Test func gzipRecursiveGoesOnAfterAnOutputItCannotWrite() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.sources + """

            ( ulimit -f 1000; "$BALE" gzip -r -k --out-dir out src 2> err; echo "status=$?" )
            """ + Self.checkEveryInput)
        #expect(run.stdout == """
            status=1
            src/r1: named
            src/r2: named
            src/r3: named
            src/sub/t1: whole
            src/sub/t2: whole
            src/sub/t3: whole
            inputs unchanged

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.isEmpty)
    }

    @Test(.enabled(if: canMountTmpfs, "needs to mount a tmpfs (root, and a container that allows it)"))
    func gzipRecursiveOnAFullDiskNamesEveryFileNotDone() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.sources + """

            mkdir out && mount -t tmpfs -o size=3m bale-test out && trap 'umount out' EXIT
            "$BALE" gzip -r -k --out-dir out src 2> err; echo "status=$?"
            """ + Self.checkEveryInput)
        #expect(run.stdout.hasPrefix("status=1\n"), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains(": named\n") && run.stdout.contains("src/sub/t1: whole\n"), "\(run.stdout)\(run.stderr)")
        #expect(!run.stdout.contains("PARTIAL") && !run.stdout.contains("NOT NAMED")
                && !run.stdout.contains("temporary left"), "\(run.stdout)\(run.stderr)")
    }

    /// A job that stops (a poison chunk ends two workers in turn) names
    /// every file it did not finish.
    @Test func aStoppedGzipRecursiveNamesWhatItLeft() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.sources + """

            BALE_TEST_KILL_WORKER_AT_CHUNK=1 "$BALE" gzip -r -k -p 2 --out-dir out src 2> err; echo "status=$?"
            """ + Self.checkEveryInput + """

            grep -c 'not compressed (the job stopped at the error above)' err | sed 's/^[1-9][0-9]*$/some named/'
            """)
        #expect(run.stdout.hasPrefix("status=1\n"), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("some named\n"), "\(run.stdout)\(run.stderr)")
        #expect(!run.stdout.contains("PARTIAL") && !run.stdout.contains("NOT NAMED")
                && !run.stdout.contains("temporary left"), "\(run.stdout)\(run.stderr)")
    }

    /// `pack` with a path that is not there: GNU tar writes the archive
    /// without it and exits 2; bale's exit 1 promises no partial output,
    /// so it writes no archive at all (named, default name, -T, stdout).
    /// Trouble met inside a tree leaves a whole archive and exit 2.
    @Test func packWithAMissingPathWritesNoArchive() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir d && echo x > d/f && touch stamp
            tar -czf gnu.tar.gz d missing 2> /dev/null; echo "GNU tar: $?"; rm gnu.tar.gz
            "$BALE" pack d missing -o out.tar.gz; echo "-o: $?"
            "$BALE" pack d missing; echo "default name: $?"
            printf 'd\\nalso-missing\\n' | "$BALE" pack -T - -o list.tar.gz; echo "-T: $?"
            "$BALE" pack d missing -o - | wc -c; echo "stdout: ${PIPESTATUS[0]}"
            find . -newer stamp | sort
            mkdir -p L/sub && echo x > L/sub/f && ln -s .. L/sub/up
            "$BALE" pack -h L -o loop.tar.gz 2> err; echo "inside the tree: $?"
            tar -tzf loop.tar.gz && grep -c 'L/sub/up: Symbolic link loop' err
            """)
        #expect(run.stdout == """
            GNU tar: 2
            -o: 1
            default name: 1
            -T: 1
            0
            stdout: 1
            .
            inside the tree: 2
            L/
            L/sub/
            L/sub/f
            1

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("bale: missing: Cannot stat: No such file or directory"), "\(run.stderr)")
        #expect(run.stderr.contains("bale: also-missing: Cannot stat: No such file or directory"), "\(run.stderr)")
        #expect(run.stderr.contains("bale: no archive written: 1 of the 2 paths given cannot be read"), "\(run.stderr)")
    }
}

/// Point 9: every malformed or conflicting argument is a usage error
/// (exit 64), found before anything is read or written.
@Suite struct UsageErrorTests {
    static let cases = [
        // pack
        "pack --mtime 2024-13-45 d -o x.tgz", "pack --mtime 2024-02-30 d -o x.tgz",
        "pack --mtime '2024-01-01 24:00:00' d -o x.tgz", "pack --mtime '2024-01-01 10' d -o x.tgz",
        "pack --mtime '2024-04-31' d -o x.tgz", "pack --mtime '' d -o x.tgz", "pack --mtime @ d -o x.tgz", "pack --mtime @12x d -o x.tgz", "pack --mtime @1. d -o x.tgz", "pack --mtime @.5 d -o x.tgz",
        "pack --mtime @1.5x d -o x.tgz", "pack --mtime 2024-01-02.5 d -o x.tgz", "pack --mtime '2024-01-02 10:11.5' d -o x.tgz", "pack --mtime yesterday d -o x.tgz",
        "pack", "pack -o x.tgz", "pack '' -o x.tgz", "pack d -o ''", "pack d -C '' -o x.tgz", "pack d -T '' -o x.tgz",
        "pack d --exclude '' -o x.tgz", "pack d --manifest '' -o x.tgz",
        "pack d --owner root:abc -o x.tgz", "pack d --owner 99999999999 -o x.tgz", "pack d --owner '' -o x.tgz",
        "pack d --owner no-such-user-here -o x.tgz", "pack d --group :5 -o x.tgz", "pack d --group 0:-1 -o x.tgz",
        "pack d --shard 3/2 -o x.tgz", "pack d --shard 0/2 -o x.tgz", "pack d --shard 1/0 -o x.tgz", "pack d --shard x -o x.tgz",
        "pack d --level 13 -o x.tgz", "pack d --level 0 -o x.tgz", "pack d --codec zlib --level 10 -o x.tgz", "pack d --codec isal -o x.tgz",
        "pack d -p 0 -o x.tgz", "pack d -p 257 -o x.tgz", "pack d --jobs=-2 -o x.tgz", "pack d --io-threads 0 -o x.tgz",
        "pack d --io-threads 65 -o x.tgz", "pack d --worker-timeout=-1 -o x.tgz", "pack d --codec gzip -o x.tgz",
        "pack d -o - --manifest -", "pack d -o - --json", "pack d --json --json-file j.json -o x.tgz",
        "pack d --json-file '' -o x.tgz",
        // gzip, gunzip
        "gzip -S '' d/f", "gzip -S a/b d/f", "gzip -S .0123456789012345678901234567890 d/f", "gzip -c -o x.gz d/f", "gzip -o x.gz d/f d/g", "gzip -o '' d/f",
        "gzip -r", "gzip -r -", "gunzip -r d -", "gzip -r -c --manifest m.sha d", "gzip -r -l --out-dir o d", "gzip -r -o x.gz d", "gzip -r --out-dir '' d", "gzip -r --exclude '' d",
        "gzip -r --include '' d", "gzip -r --files-from '' d", "gzip -r --manifest '' d", "gzip --out-dir o d/f",
        "gzip --exclude '*.o' d/f", "gzip -r --min-size 10Q d", "gzip -r --older-than 7y d", "gzip -r --shard 2/1 d",
        "gzip -c --json d/f", "gzip --json < d/f", "gzip -r --manifest - --json d", "gzip -d -r --manifest m.sha d",
        "gunzip -r --manifest m.sha d", "gzip -t --manifest m.sha d/f.gz", "gzip --level 0 d/f", "gzip -13 d/f",
        "gzip --codec zlib -10 d/f", "gzip --codec isal -4 d/f", "gzip -p 0 d/f", "gunzip -S '' d/f.gz", "gunzip -c -o x d/f.gz",
        // unpack, list, verify, sum
        "unpack ''", "unpack", "unpack x.tgz -C ''", "unpack x.tgz --io-threads 0", "list ''", "list", "verify ''",
        "verify x.tgz --manifest ''", "sum -c ''", "sum -c m.sha --shard 1/2", "sum -c m.sha ''",
        "sum --quiet d", "sum d --shard 5/4", "sum d -p 0",
        // --json beside data on standard output (a probe helper: `sum t --json > m.sha` made a manifest that
        // `sha256sum -c --strict` refused)
        "sum d --json", "sum -c m.sha --json", "list x.tgz --json", "unpack -v x.tgz --json",
    ]

    @Test func everyMalformedArgumentIsAUsageError() throws {
        let scratch = Scratch()
        let lines = Self.cases.map { "\"$BALE\" \($0) > out 2> err; echo \"\($0): $? $(wc -c < out) $(grep -c . err)\"" }
        let run = try scratch.run("""
            mkdir d && echo x > d/f && echo y > d/g && gzip -k d/g && cp d/g.gz d/f.gz && touch stamp && sleep 0.01
            \(lines.joined(separator: "\n"))
            rm out err
            find . -newer stamp | sort
            """)
        // Each exit 64, nothing on standard output, a message; and no file made or changed.
        let expected = Self.cases.map { "\($0): 64 0 " }
        let got = run.stdout.split(separator: "\n").map(String.init)
        for (line, want) in zip(got, expected) {
            #expect(line.hasPrefix(want) && !line.hasSuffix(" 0"), "\(line)")
        }
        #expect(got.count == expected.count + 1 && got.last == ".", "\(run.stdout)\(run.stderr)")
    }

    /// The messages say what is wrong.
    @Test func theMessagesSayWhatIsWrong() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir d && echo x > d/f
            "$BALE" pack --mtime 2024-13-45 d -o x.tgz
            "$BALE" pack --owner root:abc d -o x.tgz
            "$BALE" gzip -S '' d/f
            "$BALE" pack
            "$BALE" gzip -c -o x.gz d/f
            """)
        for text in ["--mtime takes @SECONDS[.FRACTION] or a real date YYYY-MM-DD[ HH:MM[:SS[.FRACTION]]], not '2024-13-45'",
                     "--owner takes NAME:ID with a numeric ID",
                     "-S takes a suffix such as .gz, not an empty string",
                     "give at least one path to pack (or -T FILE)",
                     "-c and -o both name the output: give one"] {
            #expect(run.stderr.contains(text), "\(text): \(run.stderr)")
        }
    }

    /// What is well-formed still works: a real date (a leap day) is stored
    /// as GNU tar stores it, NAME:ID and ID are taken as given, and an ID
    /// alone carries the name the system has for it, as in GNU tar.
    @Test func wellFormedValuesStillWork() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir d && echo x > d/f
            "$BALE" pack --mtime '2024-02-29 23:59:59' --owner someone:4321 --group 77 d -o b.tgz; echo "bale: $?"
            tar --mtime '2024-02-29 23:59:59' --owner someone:4321 --group 77 --sort=name -czf g.tgz d; echo "tar: $?"
            diff <(tar -tvzf b.tgz) <(tar -tvzf g.tgz) && echo "same as GNU tar"
            "$BALE" pack --mtime '2023-12-31 08:30' d -o b2.tgz && tar --mtime '2023-12-31 08:30' -czf g2.tgz d
            diff <(tar --full-time -tvzf b2.tgz | awk '{print $4, $5}') <(tar --full-time -tvzf g2.tgz | awk '{print $4, $5}') \
              && echo "HH:MM as GNU tar"
            # An ID alone is stored with the name this system gives it, as
            # GNU tar stores it (uid and gid 1 are daemon on Debian).
            getent passwd 1 > /dev/null && getent group 1 > /dev/null && echo "uid 1 and gid 1 have names"
            "$BALE" pack --mtime @0 --owner 1 --group 1 d -o b3.tgz && tar --mtime @0 --owner 1 --group 1 --sort=name -czf g3.tgz d
            diff <(tar -tvzf b3.tgz) <(tar -tvzf g3.tgz) && echo "ID alone as GNU tar"
            """)
        #expect(run.stdout == "bale: 0\ntar: 0\nsame as GNU tar\nHH:MM as GNU tar\nuid 1 and gid 1 have names\nID alone as GNU tar\n",
                "\(run.stdout)\(run.stderr)")
    }
}
