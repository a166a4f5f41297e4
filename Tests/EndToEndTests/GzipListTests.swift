import Foundation
import Testing

/// `gzip -l`: gzip's columns, gzip's figures for other tools' files, exact
/// figures for bale's own (where gzip prints the last member's length), and
/// an error for a bale file cut short.
@Suite struct GzipListTests {
    /// For files of one member, bale's lines are GNU gzip's, byte for byte:
    /// the title, -v's method, CRC and date, -q's lines alone, the totals
    /// and their ratio, the name gunzip would give (x.tgz: x.tar), standard
    /// input's "stdout". An unreadable file is named (exit 1) and the
    /// others are listed.
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func foreignFilesAreListedAsGzipListsThem() throws {
        let run = try Scratch().run(#"""
            seq 1 20000 > a && gzip -k a && printf 'hi\n' > b && gzip -n -k b && cp a.gz x.tgz && cp b.gz plain
            : > e && gzip -k e && cp e.gz e2.gz
            for args in "a.gz" "-v a.gz b.gz" "-q a.gz x.tgz" "a.gz b.gz x.tgz plain" "-lv b.gz" "e.gz e2.gz"; do
                gzip -l $args > want; "$BALE" gzip -l $args > got; echo "gzip -l $args: $?"
                cmp want got && echo same
            done
            gzip -l < a.gz > want; "$BALE" gunzip -l < a.gz > got; cmp want got && echo "stdin: same"
            "$BALE" gzip -V | head -n 1 | cut -c 1-5
            "$BALE" gzip -l a.gz missing.gz b.gz 2> err | tail -n +2 | tr -s ' '; echo "missing: ${PIPESTATUS[0]}"; cat err
            """#)
        #expect(run.stdout == """
            gzip -l a.gz: 0
            same
            gzip -l -v a.gz b.gz: 0
            same
            gzip -l -q a.gz x.tgz: 0
            same
            gzip -l a.gz b.gz x.tgz plain: 0
            same
            gzip -l -lv b.gz: 0
            same
            gzip -l e.gz e2.gz: 0
            same
            stdin: same
            bale 
             45006 108894 58.7% a
             23 3 -66.7% b
             45029 108897 58.7% (totals)
            missing: 1
            bale: missing.gz: No such file or directory

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A pipe is listed as gzip lists it (standard input, a FIFO): read as
    /// it comes, through a thread that counts it, with the pipe's date (the
    /// epoch). bale's own file through a pipe has the figures its file has;
    /// bytes after the members are counted and warned of (exit 2); what is
    /// no gzip is said so (exit 1), and an endless input that is no gzip
    /// (/dev/zero) is refused, not read forever. bale refused every pipe
    /// ("is not a regular file").
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func aPipeIsListedAsGzipListsIt() throws {
        let run = try Scratch().run(#"""
            seq 1 20000 > a && gzip -k a && head -c 3000000 /dev/urandom | od -An -tx1 > big && "$BALE" gzip -k -p 2 big
            export TZ=UTC
            for args in "-l" "-lv" "-lq"; do
                cat a.gz | gzip $args > want; cat a.gz | "$BALE" gzip $args > got; echo "$args: $?"
                cmp want got && echo same
            done
            "$BALE" gzip -l big.gz | sed 's/big$/stdout/' > want; cat big.gz | "$BALE" gzip -l | cmp - want && echo "own: same figures"
            mkfifo f && (cat a.gz > f &) && "$BALE" gzip -l f | tail -n 1 | tr -s ' '
            (cat a.gz; echo garbage) | "$BALE" gzip -l | tail -n 1 | tr -s ' '; echo "garbage: ${PIPESTATUS[1]}"
            echo hello | "$BALE" gzip -l; echo "no gzip: $?"
            timeout 20 "$BALE" gzip -l < /dev/zero; echo "zeros: $?"
            head -c 100 a.gz | "$BALE" gzip -l; echo "cut: $?"
            """#)
        #expect(run.stdout == """
            -l: 0
            same
            -lv: 0
            same
            -lq: 0
            same
            own: same figures
             45006 108894 58.7% f
             45014 108894 58.7% stdout
            garbage: 2
            no gzip: 1
            zeros: 1
            cut: 1

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("bale: stdin: decompression OK, trailing garbage ignored"), "\(run.stderr)")
    }

    /// bale's files are many members and an end member: gzip lists the end
    /// member's length (0); bale the whole data's, and its CRC-32, also for
    /// two bale files joined, and for a bale file and another tool's
    /// joined (inflated). A bale file cut short is an error (exit 1).
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func balesFilesAreListedExactly() throws {
        let run = try Scratch().run(#"""
            head -c 9000000 /dev/urandom | od -An -tx1 > data
            "$BALE" gzip -k -p 2 data && mv data.gz own.gz && cat own.gz own.gz > twice.gz
            printf 'tail\n' | gzip -n > small.gz && cat own.gz small.gz > mixed.gz && cat small.gz own.gz > mixed2.gz
            head -c 1000000 own.gz > cut.gz
            echo "data: $(wc -c < data) $(gzip -c data | tail -c 8 | od -An -tx4 -N4 | tr -d ' ')"
            echo "gzip: $(gzip -l own.gz | tail -n 1 | awk '{print $2}')"
            for f in own twice mixed mixed2; do
                "$BALE" gzip -lv $f.gz | tail -n 1 | awk '{print $7, $2}'
            done
            "$BALE" gzip -l cut.gz; echo "cut: $?"
            "$BALE" gzip -l cut.gz own.gz | head -n 1 | cut -c 1-19
            """#)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 8, "\(run.stdout)\(run.stderr)")
        let data = lines[0].split(separator: " ")
        let (length, crc) = (Int(data[1])!, String(data[2]))
        #expect(lines[1] == "gzip: 0")
        #expect(lines[2] == "\(length) \(crc)")
        #expect(lines[3].hasPrefix("\(2 * length) "))
        #expect(lines[4].hasPrefix("\(length + 5) "))
        #expect(lines[5].hasPrefix("\(length + 5) "))
        #expect(lines[6] == "cut: 1", "\(run.stdout)\(run.stderr)")
        // No title for a file not listed; it comes with the first listed.
        #expect(lines[7] == "         compressed")
        #expect(run.stderr.contains("bale: cut.gz: truncated"), "\(run.stderr)")
    }

    /// Every file is inflated, as gunzip -t reads it (bale's files were
    /// listed from their end members, a damaged one as whole, exit 0, and a
    /// forged record of 2^64-1 bytes crashed bale): figures that gzip would
    /// take from the last trailer are exact
    /// (two members: their lengths summed, where gzip prints the last's);
    /// a bale file cut in its last bytes, or one followed by another tool's
    /// stream cut short, is an error (bale listed made-up figures, exit 0);
    /// bytes that are not gzip after the last member are gunzip's warning
    /// (exit 2), with the line; a directory is passed over with gzip's
    /// warning; FILE not there is FILE.gz; a name's bytes that are not
    /// UTF-8 are escaped as in every line bale prints.
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func whatIsNotOneWholeStreamIsInflated() throws {
        let run = try Scratch().run(#"""
            seq 1 200000 > s && "$BALE" gzip -k -c s > b.gz && gzip -c s > g.gz && printf 'hi\n' | gzip -n > h.gz
            cat h.gz h.gz > two.gz; "$BALE" gzip -l two.gz | tail -n 1 | awk '{print "two:", $2}'
            n=$(stat -c %s b.gz); head -c $((n - 1)) b.gz > cut.gz
            head -c 200000 g.gz > gcut.gz && cat b.gz gcut.gz > joined.gz
            cp g.gz garbage.gz && printf 'garbage!' >> garbage.gz
            cp b.gz damaged.gz && printf U | dd of=damaged.gz bs=1 seek=200000 conv=notrunc status=none
            python3 -c '
            import struct
            record = bytes([1, 0, 0, 0]) + struct.pack("<QQIQQ", 1, 2**64 - 1, 0, 0, 0)
            open("forged.gz", "wb").write(bytes([31, 139, 8, 4, 0, 0, 0, 0, 0, 3, 44, 0]) + b"BE" + bytes([40, 0])
                                          + record + bytes([3, 0]) + bytes(8))'
            for f in cut joined garbage damaged forged; do
                "$BALE" gzip -l $f.gz > out 2> err; echo "$f: $? $(wc -l < out) $(cut -c 1-60 err)"
            done
            mkdir d && "$BALE" gzip -l d 2>&1; echo "d: $?"
            "$BALE" gzip -l g | tail -n 1 | awk '{print $4}'
            cp h.gz "$(printf 'x\377y.gz')" && "$BALE" gzip -l "$(printf 'x\377y.gz')" | tail -n 1 | awk '{print $4}'
            """#)
        #expect(run.stdout == #"""
            two: 6
            cut: 1 0 bale: cut.gz: truncated: unexpected end of file
            joined: 1 0 bale: joined.gz: truncated: unexpected end of file
            garbage: 2 2 bale: garbage.gz: decompression OK, trailing garbage ignored
            damaged: 1 0 bale: damaged.gz: invalid compressed data at byte 370884: in
            forged: 1 0 bale: forged.gz: truncated: the end member at byte 0 records
            bale: d is a directory -- ignored
            d: 2
            g
            x\377y

            """#, "\(run.stdout)\(run.stderr)")
    }

    /// A header of any length is listed, as GNU gzip lists it, from a file
    /// and from a pipe: a 20 MiB name and a 20 MiB comment, with an extra
    /// field and a header CRC (bale held the first 16 MiB and said "a
    /// header longer than bale reads", exit 1); the header is taken off
    /// the ratio as a short one is. The same header with its CRC damaged
    /// is gzip's error, exit 1.
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func headersOfAnyLengthAreListed() throws {
        let run = try Scratch().run(#"""
            python3 -c '
            import struct, zlib
            data = b"hello world\n" * 1000
            c = zlib.compressobj(6, zlib.DEFLATED, -15); d = c.compress(data) + c.flush()
            tail = d + struct.pack("<II", zlib.crc32(data), len(data))
            h = bytes([31, 139, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3]) + struct.pack("<H", 5) + b"AB\x01\x00z"
            h += b"n" * (20 << 20) + b"\0" + b"c" * (20 << 20) + b"\0"
            h += struct.pack("<H", zlib.crc32(h) & 0xffff)
            open("long.gz", "wb").write(h + tail)
            open("bad.gz", "wb").write(h[:-2] + bytes([h[-2] ^ 1, h[-1]]) + tail)
            open("short.gz", "wb").write(bytes([31, 139, 8, 0, 0, 0, 0, 0, 0, 3]) + tail)'
            gzip -t long.gz && gzip -l long.gz | tail -n 1 | awk '{print "gzip:", $1, $2}'
            "$BALE" gzip -l long.gz | tail -n 1 | awk '{print "file:", $1, $2, $3}'; echo "status $?"
            "$BALE" gzip -l < long.gz | tail -n 1 | awk '{print "pipe:", $1, $2, $3}'
            "$BALE" gzip -l short.gz | tail -n 1 | awk '{print "short:", $3}'
            "$BALE" gzip -l bad.gz; echo "bad: $?"
            "$BALE" gzip -l < bad.gz; echo "bad pipe: $?"
            """#)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 7, "\(run.stdout)\(run.stderr)")
        let gzip = lines[0].split(separator: " ").dropFirst().joined(separator: " ")
        let ratio = lines[4].split(separator: " ").last.map(String.init) ?? "?"
        #expect(lines[1] == "file: \(gzip) \(ratio)", "\(run.stdout)\(run.stderr)")
        #expect(lines[2] == "status 0")
        #expect(lines[3] == "pipe: \(gzip) \(ratio)", "\(run.stdout)\(run.stderr)")
        #expect(lines[5] == "bad: 1" && lines[6] == "bad pipe: 1", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("bale: bad.gz: header crc mismatch"), "\(run.stderr)")
    }

    /// Three of GNU gzip's lines, as it prints them: `gzip -lr DIR` gives
    /// no "(totals)" line (gzip adds one only when the command line names
    /// more than one file; bale added one for the tree's files), `gzip -rv`
    /// says "bale: NAME already has .gz suffix -- unchanged" with the
    /// prefix it has without -r, and a FIFO is "not a directory or a
    /// regular file - ignored" with gzip's one dash.
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func recursiveListsAndNoticesAsGzip() throws {
        let run = try Scratch().run(#"""
            mkdir d e; seq 1 1000 > d/a; seq 1 2000 > d/b; seq 1 300 > e/c; gzip d/a d/b e/c
            for t in gzip "$BALE gzip"; do
                $t -lr d | grep -c totals; $t -lr d e | grep -c totals
            done
            seq 5 > d/x; "$BALE" gzip -rv d 2>&1 | grep -c '^bale: d/a.gz already has .gz suffix -- unchanged$'
            mkfifo p; gzip p 2> gnu.err; "$BALE" gzip p 2> bale.err; sed 's/^gzip:/bale:/' gnu.err | cmp - bale.err && echo "FIFO as gzip"
            """#)
        #expect(run.stdout == """
            0
            1
            0
            1
            1
            FIFO as gzip

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `-lN` of standard input lists the name and time the header stores,
    /// as GNU gzip lists them from a file, a redirected file or a pipe
    /// alike; without -N, "stdout" and the input's own date. bale listed
    /// "stdout" for every standard input, and the epoch from a pipe.
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func storedNameIsListedFromStandardInputToo() throws {
        let run = try Scratch().run(#"""
            printf 'hi\n' > orig && touch -d @1234567890 orig && gzip -c orig > n.gz
            for args in -lvN -lN -lv; do
                gzip $args < n.gz > want; "$BALE" gunzip $args < n.gz > got; cmp -s want got && echo "$args < file: same"
                cat n.gz | gzip $args > want; cat n.gz | "$BALE" gunzip $args > got; cmp -s want got && echo "$args pipe: same"
            done
            tail -n 1 got | awk '{print $NF}'
            """#)
        #expect(run.stdout == """
            -lvN < file: same
            -lvN pipe: same
            -lN < file: same
            -lN pipe: same
            -lv < file: same
            -lv pipe: same
            stdout

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A symbolic link to a directory is a directory, as gzip finds it:
    /// "is a directory -- ignored", exit 2, under -t, -c and -f alike. bale
    /// said "read error: Is a directory" (exit 1) under -t and -c, and "is
    /// not a directory or a regular file" under -f.
    @Test(.enabled(if: Machine.has("gzip"), "needs GNU gzip"))
    func aLinkToADirectoryIsADirectory() throws {
        let run = try Scratch().run(#"""
            mkdir dir && ln -s dir l.gz
            for args in -t -dc -tf -df "-df -k"; do
                gzip $args l.gz > /dev/null 2> want; w=$?; "$BALE" gunzip $args l.gz > /dev/null 2> got; echo "$args: $w $?"
                sed 's/^gzip:/bale:/' want | cmp -s - got && echo same || cat want got
            done
            """#)
        #expect(run.stdout == """
            -t: 2 2
            same
            -dc: 2 2
            same
            -tf: 2 2
            same
            -df: 2 2
            same
            -df -k: 2 2
            same

            """, "\(run.stdout)\(run.stderr)")
    }
}
