import Foundation
import Testing

/// `bale gunzip` on gzip from any tool, and on damaged input.
@Suite struct GunzipTests {
    @Test(arguments: codecs)
    func decompressesWhatOtherToolsWrite(codec: String) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Fixtures.gen)
            gen 30000000 data
            gzip -c data > gzip.gz
            gzip -N -c data > named.gz
            pigz -p 2 -c data > pigz.gz
            "$BALE" gzip --codec \(codec) -c data > bale.gz
            head -c 5000000 data > part && gzip -c part > part.gz
            cat gzip.gz gzip.gz > two.gz; cat data data > two
            cat bale.gz part.gz > bale-then-gzip.gz; cat data part > bale-then-gzip
            cat part.gz bale.gz > gzip-then-bale.gz; cat part data > gzip-then-bale
            cat bale.gz bale.gz > bale-twice.gz
            for f in gzip named pigz bale; do
              "$BALE" gunzip --codec \(codec) -c $f.gz | cmp - data || { echo "file $f"; exit 1; }
              "$BALE" gunzip --codec \(codec) < $f.gz | cmp - data || { echo "stdin $f"; exit 1; }
            done
            for f in two bale-then-gzip gzip-then-bale; do
              "$BALE" gunzip --codec \(codec) -c $f.gz | cmp - $f || { echo "file $f"; exit 1; }
              cat $f.gz | "$BALE" gunzip --codec \(codec) | cmp - $f || { echo "pipe $f"; exit 1; }
            done
            "$BALE" gunzip --codec \(codec) -c bale-twice.gz | cmp - two || { echo "bale twice"; exit 1; }
            # a file made by the command replaces its .gz, keeping mode and mtime
            cp pigz.gz restored.gz && chmod 640 restored.gz && touch -d '2020-01-02 03:04:05' restored.gz
            "$BALE" gunzip --codec \(codec) restored.gz && cmp restored data && [ ! -e restored.gz ] || { echo "replace"; exit 1; }
            [ "$(stat -c '%a %Y' restored)" = "640 $(date -d '2020-01-02 03:04:05' +%s)" ] || { echo "attributes"; exit 1; }
            echo ok
            """)
        #expect(run.status == 0 && run.stdout.hasSuffix("ok\n"), "\(run.stdout)\(run.stderr)")
    }

    /// Each damaged input: exit 1, a message naming the file, no output
    /// file, no temporary file left, the input untouched.
    @Test(arguments: [
        ("flipped", #""$BALE" gzip -c data > bad.gz && size=$(stat -c %s bad.gz) && printf '\x55' | dd of=bad.gz bs=1 seek=$((size/2)) conv=notrunc 2>/dev/null"#),
        ("flipped-crc", #""$BALE" gzip -c data > bad.gz && size=$(stat -c %s bad.gz) && printf '\xff' | dd of=bad.gz bs=1 seek=$((size-8)) conv=notrunc 2>/dev/null"#),
        ("truncated-bale", #""$BALE" gzip -c data > full.gz && head -c $(($(stat -c %s full.gz)/2)) full.gz > bad.gz"#),
        ("truncated-gzip", #"gzip -c data > full.gz && head -c $(($(stat -c %s full.gz)/2)) full.gz > bad.gz"#),
        ("truncated-header", #"printf '\x1f\x8b\x08' > bad.gz"#),
        ("flipped-gzip", #"gzip -c data > bad.gz && printf '\x55\x55\x55' | dd of=bad.gz bs=1 seek=$(($(stat -c %s bad.gz)/2)) conv=notrunc 2>/dev/null"#),
        ("not-gzip", #"cp data bad.gz"#),
        ("empty", #": > bad.gz"#),
        ("bad-method", #"printf '\x1f\x8b\x07\x00\x00\x00\x00\x00\x00\x03xxxxxxxx' > bad.gz"#),
    ])
    func damagedInputFailsCleanly(name: String, make: String) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Fixtures.gen)
            gen 9000000 data
            \(make)
            cp bad.gz bad.copy
            "$BALE" gunzip -p 2 bad.gz; status=$?
            echo "status=$status"
            ls -A
            cmp bad.gz bad.copy && echo "input intact"
            """)
        #expect(run.stdout.contains("status=1"), "\(name): \(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("bad.gz"), "\(name): message should name the file: \(run.stderr)")
        #expect(!run.stdout.contains("\nbad\n"), "\(name): no output file: \(run.stdout)")
        #expect(!run.stdout.contains(".bale-"), "\(name): no temporary file: \(run.stdout)")
        #expect(run.stdout.contains("input intact"), "\(name)")
    }

    @Test func trailingGarbageIsAWarning() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            seq 1 1000 > data && gzip -c data > x.gz && printf 'garbage' >> x.gz
            "$BALE" gunzip -c x.gz > out; echo "status=$?"; cmp out data && echo same
            seq 1 1000 | "$BALE" gzip > z.gz && head -c 1024 /dev/zero >> z.gz
            "$BALE" gunzip -c z.gz | cmp - data && echo "zeros ignored"
            """)
        #expect(run.stdout == "status=2\nsame\nzeros ignored\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("trailing garbage ignored"))
    }

    /// A member with the magic of gzip before 0.5 (1f 9e), which GNU gzip
    /// still reads, first or after another, small (inline) and large (the
    /// workers), from a file and a pipe, with each codec: the same bytes
    /// and status as gzip's. bale took a second such member for trailing
    /// garbage (exit 2, and gunzip removed the input, its data lost) and a
    /// first for no gzip at all (exit 1). A reading helper found it.
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func membersWithTheOldMagicAreRead() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import struct, zlib
            def member(data, magic=b'\x1f\x8b'):
                c = zlib.compressobj(6, zlib.DEFLATED, -15)
                body = c.compress(data) + c.flush()
                return magic + b'\x08\x00' + bytes(6) + body + struct.pack('<II', zlib.crc32(data), len(data))
            small, large = b'hello world\n' * 10, bytes(range(256)) * 40000 + b'x' * 5000000
            for name, data in (('s', small), ('l', large)):
                open(name + '1.gz', 'wb').write(member(data) + member(data, b'\x1f\x9e'))
                open(name + '2.gz', 'wb').write(member(data, b'\x1f\x9e') + member(data))
            EOF
            for f in s1 s2 l1 l2; do
                gzip -dc $f.gz > $f.want
                for codec in auto zlib; do
                    "$BALE" gunzip -c --codec $codec $f.gz | cmp - $f.want && "$BALE" gunzip -t $f.gz \
                        && "$BALE" gunzip -c < $f.gz | cmp - $f.want || echo "$f $codec differs"
                done
                "$BALE" gunzip -k $f.gz && cmp $f $f.want && echo "$f: as gzip"
            done
            """#)
        #expect(run.stdout == "s1: as gzip\ns2: as gzip\nl1: as gzip\nl2: as gzip\n", "\(run.stdout)\(run.stderr)")
    }

    /// Zero bytes after the last member (a tape's padding) are ignored in
    /// silence, exit 0, as by GNU gzip; with -v gzip says so and exits 2,
    /// and bale now does the same (it said "OK", exit 0), for -t, -d and
    /// -l, a GNU file and bale's own, small (read inline) and large (read
    /// by the workers).
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func trailingZerosAreSaidWithVerbose() throws {
        let run = try Scratch().run(#"""
            seq 1 100 | gzip -c > small.gz; seq 1 400000 | "$BALE" gzip -c > large.gz
            for f in small.gz large.gz; do head -c 3000 /dev/zero >> $f; done
            for f in small.gz large.gz; do for o in -t -tv -dcv -lv; do
                gzip $o $f > /dev/null 2> gnu.err; gnu=$?
                "$BALE" gunzip $o $f > /dev/null 2> bale.err; bale=$?
                echo "$f $o: gzip $gnu bale $bale $(grep -c 'decompression OK, trailing zero bytes ignored' bale.err)"
            done; done
            """#)
        #expect(run.stdout == """
            small.gz -t: gzip 0 bale 0 0
            small.gz -tv: gzip 2 bale 2 1
            small.gz -dcv: gzip 2 bale 2 1
            small.gz -lv: gzip 2 bale 2 1
            large.gz -t: gzip 0 bale 0 0
            large.gz -tv: gzip 2 bale 2 1
            large.gz -dcv: gzip 2 bale 2 1
            large.gz -lv: gzip 2 bale 2 1

            """, "\(run.stdout)\(run.stderr)")
    }

    /// One byte after the last member, not a zero, is the next member cut
    /// short after its first byte, as gzip 1.12 takes it ("unexpected end
    /// of file", exit 1, the input kept); bale took it for trailing
    /// garbage, warned, and removed the input. Two bytes that are not a
    /// member's start stay garbage, as there.
    @Test func aLoneMemberStartAtTheEndIsATruncation() throws {
        let run = try Scratch().run(#"""
            printf 'data\n' | gzip > l.gz && printf '\037' >> l.gz
            gzip -t l.gz 2> /dev/null; echo "gzip: $?"
            "$BALE" gunzip l.gz; echo "bale: $?"; ls
            printf 'data\n' | gzip > m.gz && printf '\037\001' >> m.gz
            "$BALE" gunzip -t m.gz 2> /dev/null; echo "garbage: $?"
            printf 'data\n' | gzip > x.gz && printf 'x' >> x.gz
            gzip -t x.gz 2> /dev/null; echo "gzip, one other byte: $?"
            "$BALE" gunzip -t x.gz 2> /dev/null; echo "bale, one other byte: $?"
            """#)
        #expect(run.stdout == "gzip: 1\nbale: 1\nl.gz\ngarbage: 2\ngzip, one other byte: 1\nbale, one other byte: 1\n",
                "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("l.gz: truncated: unexpected end of file"), "\(run.stderr)")
    }

    /// `gunzip -N` names the output and dates it as the header stores them,
    /// as GNU gunzip -N does (bale refused -N, exit 64): each case run by
    /// both in twin directories, their outputs' names, times and contents
    /// the same. A stored name's last component only (`../../x` stays in
    /// the directory); a name that is the input's own is no name. `gzip
    /// -lN` lists the stored name and time as gzip does (for a suffix
    /// gunzip does not know too: bale listed the file's own name); without -N
    /// nothing changes. Compressing, -N is a usage error.
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func storedNamesAndTimesAreRestoredWithN() throws {
        let run = try Scratch().run(#"""
            mkdir src && cd src && echo hello > orig.txt && touch -d '2001-01-01 01:02:03' orig.txt
            gzip -N -c orig.txt > renamed.gz && gzip -n -c orig.txt > plain.gz && cp renamed.gz default.gz
            python3 -c '
            import struct, zlib
            def member(name, data=b"escape\n", stamp=1000000000):
                c = zlib.compressobj(6, zlib.DEFLATED, -15); body = c.compress(data) + c.flush()
                head = bytes([31, 139, 8, 8]) + struct.pack("<I", stamp) + bytes([0, 3]) + name + b"\0"
                return head + body + struct.pack("<II", zlib.crc32(data), len(data))
            open("up.gz", "wb").write(member(b"../../up.txt"))
            open("self.gz", "wb").write(member(b"self.gz", stamp=0))'
            rm orig.txt && cd .. && cp -a src gnu && cp -a src own
            rm gnu/self.gz && mv own/self.gz .
            (cd gnu && gunzip -N renamed.gz up.gz plain.gz && gunzip default.gz; echo "gzip $?")
            (cd own && "$BALE" gunzip -N renamed.gz up.gz plain.gz && "$BALE" gunzip default.gz; echo "bale $?")
            "$BALE" gunzip -N self.gz && ls self
            for d in gnu own; do (cd $d && find . -type f -printf '%p %TY-%Tm-%Td %TT %s\n' | sed 's/\.[0-9]* / /' | sort | md5sum); done
            ls gnu; ls -d up.txt ../up.txt 2>&1 | grep -c 'No such'
            cp src/renamed.gz renamed.x
            gzip -lN src/renamed.gz renamed.x > gnu.list; "$BALE" gzip -lN src/renamed.gz renamed.x > own.list
            cmp gnu.list own.list && echo "lists alike"
            "$BALE" gzip -N -k src/plain.gz 2>/dev/null; echo "gzip -N: $?"
            """#)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 12, "\(run.stdout)\(run.stderr)")
        // GNU gzip takes the input's own name for an output that exists
        // ("self.gz already exists", 2); bale for no name.
        #expect(lines[0] == "gzip 0" && lines[1] == "bale 0", "\(run.stdout)\(run.stderr)")
        #expect(lines[2] == "self", "\(run.stdout)\(run.stderr)")
        #expect(lines[3] == lines[4], "the same names, times and sizes: \(run.stdout)")
        #expect(Array(lines[5...8]) == ["default", "orig.txt", "plain", "up.txt"], "\(run.stdout)")
        #expect(lines[9] == "2", "nothing outside the directory: \(run.stdout)")
        #expect(lines[10] == "lists alike", "\(run.stdout)")
        #expect(lines[11] == "gzip -N: 64", "\(run.stdout)")
    }

    /// `gunzip -rN` names and dates each output in a tree as its header
    /// stores them, in its input's directory, as GNU `gzip -drN` does (bale
    /// refused it, exit 64, a usage error that stopped a script). Both
    /// tools on twin trees: the same names, times and contents; a stored
    /// name two files share is "already exists" for the second (2), the
    /// first's output kept; a file whose suffix-named output exists but
    /// whose stored name is free is decompressed (the walk judged the
    /// suffix's name); the stored path's directories are not followed;
    /// `--out-dir` puts the output under the stored name in the mirror.
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func aTreesOutputsAreNamedByTheirHeadersWithRN() throws {
        let run = try Scratch().run(#"""
            mkdir -p t/d && cd t
            echo one > kept.txt && touch -d '2001-02-03 04:05:06' kept.txt && gzip -N kept.txt && mv kept.txt.gz d/x.gz
            echo taken > d/x
            echo two > same && gzip -N same && mv same.gz d/a.gz
            echo three > same && gzip -N same && mv same.gz d/b.gz
            printf plain | gzip -n > d/noname.gz
            python3 -c '
            import struct, zlib
            data = b"escape\n"; c = zlib.compressobj(6, zlib.DEFLATED, -15); body = c.compress(data) + c.flush()
            head = bytes([31, 139, 8, 8]) + struct.pack("<I", 1000000000) + bytes([0, 3]) + b"../../up.txt\0"
            open("d/up.gz", "wb").write(head + body + struct.pack("<II", zlib.crc32(data), len(data)))'
            cd .. && cp -a t gnu && cp -a t own && cp -a t mirror-src
            gzip -drN gnu < /dev/null 2> gnu.err; echo "gzip $?"
            "$BALE" gunzip -rN own < /dev/null 2> own.err; echo "bale $?"
            for d in gnu own; do (cd $d && find . -type f ! -name same ! -name a.gz ! -name b.gz -printf '%p %TY-%Tm-%Td %TT %s\n' | sed 's/\.[0-9]* / /' | sort | md5sum); done
            (cd own && find . ! -name a.gz ! -name b.gz | sort | tr '\n' ' '); echo
            ls own/d/a.gz own/d/b.gz 2>/dev/null | wc -l; grep -c 'own/d/same already exists' own.err
            cat own/d/kept.txt; ls up.txt ../up.txt 2>&1 | grep -c 'No such'
            "$BALE" gunzip -rNk --out-dir out mirror-src; echo "out-dir $?"
            ls out/mirror-src/d | tr '\n' ' '; echo
            """#)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 11, "\(run.stdout)\(run.stderr)")
        #expect(lines[0] == "gzip 2" && lines[1] == "bale 2", "\(run.stdout)\(run.stderr)")
        #expect(lines[2] == lines[3], "the same names, times and sizes: \(run.stdout)")
        #expect(lines[4] == ". ./d ./d/kept.txt ./d/noname ./d/same ./d/up.txt ./d/x ", "\(run.stdout)")
        #expect(lines[5] == "1" && lines[6] == "1", "one of a.gz and b.gz kept, said: \(run.stdout)\(run.stderr)")
        #expect(lines[7] == "one" && lines[8] == "2", "nothing outside the tree: \(run.stdout)")
        #expect(lines[9] == "out-dir 2", "\(run.stdout)\(run.stderr)")
        #expect(lines[10] == "kept.txt noname same up.txt ", "\(run.stdout)")
    }
    /// A stored name longer than a file name may be (255 bytes) is cut to
    /// its first 255 bytes, with GNU gunzip's warning ("NAME: warning, name
    /// truncated", exit 2), the same output name as gunzip's: bale passed
    /// the name over without a word and named the output by its suffix.
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func aStoredNameTooLongIsCutAsGunzipCutsIt() throws {
        let run = try Scratch().run(#"""
            mkdir gnu own
            python3 -c '
            import gzip
            with open("gnu/x.gz", "wb") as f:
                g = gzip.GzipFile(filename="a" * 250 + ".text" + "b" * 20, mode="wb", fileobj=f, mtime=0); g.write(b"hi\n"); g.close()'
            cp gnu/x.gz own/x.gz
            (cd gnu && gunzip -N x.gz 2> ../gnu.err; echo "gzip $?")
            (cd own && "$BALE" gunzip -N x.gz 2> ../own.err; echo "bale $?")
            ls gnu | tee gnu.names | awk '{print length($0)}'; ls own | cmp - gnu.names && echo "same names"
            sed 's/^gzip: //' gnu.err > gnu.said; sed 's/^bale: //' own.err | cmp - gnu.said && echo "same words"
            """#)
        #expect(run.stdout == "gzip 2\nbale 2\n255\nsame names\nsame words\n", "\(run.stdout)\(run.stderr)")
    }

    /// A header whose stored name, or its comment after a short name, runs
    /// past the 64 KiB bale reads for `-N`: the name was taken as absent in
    /// both cases, silently, and the stored time dropped with it (exit 0:
    /// a reading helper). A short name before a long comment is used; a
    /// name too long to read is said (exit 2); the time is kept either way.
    @Test func aHeaderLongerThanWhatNReadsIsNotPassedOverSilently() throws {
        let run = try Scratch().run(#"""
            python3 - <<'PY'
            import zlib, struct
            def member(name, comment=None):
                flags = 8 | (16 if comment else 0)
                head = b'\x1f\x8b\x08' + bytes([flags]) + struct.pack('<I', 1000000000) + b'\x00\x03' + name + b'\x00'
                head += comment + b'\x00' if comment else b''
                c = zlib.compressobj(6, zlib.DEFLATED, -15)
                return head + c.compress(b'hello\n') + c.flush() + struct.pack('<II', zlib.crc32(b'hello\n'), 6)
            open('long.gz', 'wb').write(member(b'a' * 70000))
            open('comment.gz', 'wb').write(member(b'short', b'x' * 70000))
            PY
            "$BALE" gunzip -N -k long.gz 2> err; echo "long: $?"; sed 's/^bale: //' err
            "$BALE" gunzip -N -k comment.gz; echo "comment: $?"
            stat -c '%n %Y' long short
            """#)
        #expect(run.stdout == """
            long: 2
            long.gz: stored name longer than 65536 bytes ignored; named by its suffix
            comment: 0
            long 1000000000
            short 1000000000

            """, "\(run.stdout)\(run.stderr)")
    }
}
