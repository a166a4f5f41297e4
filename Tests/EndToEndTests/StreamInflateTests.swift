import Foundation
import Testing

/// The streaming path for gzip that bale did not write: ISA-L inflates
/// each member (`IsalMemberInflater`), zlib reads what bale cannot parse
/// and judges damage in a file, and a thread of its own writes the output
/// (`SinkWriterThread`). Every case is read from a file, from a redirected
/// standard input and from a pipe, which the decoder cannot read again.
@Suite struct StreamInflateTests {
    /// GNU gzip, pigz, igzip and python's gzip, alone and concatenated with
    /// an empty member and zero padding: the bytes come back whole, from
    /// files larger than the writer's buffers.
    @Test func foreignStreamsRoundTrip() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            \#(Fixtures.gen)
            gen 20000000 data
            gzip -6 -c data > gzip.gz
            gzip -1 -N -c data > named.gz
            pigz -p 2 -c data > pigz.gz
            igzip -1 -c data > igzip1.gz
            igzip -3 -c data > igzip3.gz
            python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.compress(open("data", "rb").read(), 9))' > python.gz
            : | gzip -c > empty.gz
            cat gzip.gz empty.gz pigz.gz igzip1.gz python.gz > many.gz
            cat data data data data > many
            cat many.gz > padded.gz && head -c 1000 /dev/zero >> padded.gz
            for f in gzip named pigz igzip1 igzip3 python; do
              "$BALE" gunzip -c $f.gz | cmp - data || echo "file $f"
              "$BALE" gunzip < $f.gz | cmp - data || echo "stdin $f"
              cat $f.gz | "$BALE" gunzip | cmp - data || echo "pipe $f"
            done
            for f in many padded; do
              "$BALE" gunzip -c $f.gz | cmp - many || echo "file $f"
              cat $f.gz | "$BALE" gunzip | cmp - many || echo "pipe $f"
            done
            "$BALE" gunzip -c empty.gz | cmp - /dev/null || echo "empty member"
            "$BALE" gunzip -k igzip3.gz && cmp igzip3 data || echo "gunzip -k"
            echo done
            """#)
        #expect(run.status == 0 && run.stdout == "done\n", "\(run.stdout)\(run.stderr)")
    }

    /// A file whose first member is another tool's goes to the streaming
    /// decoder without the workers (`GunzipJob`): none is started for it
    /// (each worker lists its descriptors as it starts, with
    /// `BALE_TEST_WORKER_FDS`), in `gunzip` and in `unpack`; bale's own
    /// file still starts them, and bale's members after a foreign one are
    /// still read.
    @Test func aForeignFileStartsNoWorker() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            \#(Fixtures.gen)
            gen 6000000 data
            # past gunzip's 1 MiB for inflating in place: a part that does not compress
            python3 -c 'import random; random.seed(7); open("data", "ab").write(random.randbytes(3000000))'
            gzip -c data > gnu.gz
            "$BALE" gzip -c data > own.gz
            mkdir w1 w2 w3 x
            BALE_TEST_WORKER_FDS=$PWD/w1 "$BALE" gunzip -p 2 -c gnu.gz | cmp - data && echo "gnu: $(ls w1 | wc -l) workers"
            BALE_TEST_WORKER_FDS=$PWD/w2 "$BALE" gunzip -p 2 -c own.gz | cmp - data && echo "own: $(ls w2 | wc -l) workers"
            cat gnu.gz own.gz > mixed.gz && cat data data > two
            "$BALE" gunzip -c mixed.gz | cmp - two && echo "mixed whole"
            tar -czf t.tar.gz data
            BALE_TEST_WORKER_FDS=$PWD/w3 "$BALE" unpack -p 2 -C x t.tar.gz && cmp x/data data && echo "unpack: $(ls w3 | wc -l) workers"
            """#)
        #expect(run.stdout == """
            gnu: 0 workers
            own: 2 workers
            mixed whole
            unpack: 0 workers

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A member that ends at every byte around the end of the decoder's
    /// 256 KiB read (a file name of each length moves it one byte at a
    /// time): ISA-L's read-ahead of the trailer, and whatever it keeps
    /// between calls, must never lose or repeat a byte of the next member.
    /// With a large member after them (`tail`), the file is past the
    /// small-file limit and is read ahead on a thread of its own
    /// (`StreamReadAhead`): the bytes left of one buffer are carried to
    /// the front of the next, a header cut by a read among them.
    @Test(arguments: [false, true]) func memberEndsAtEveryOffsetAroundARead(tail: Bool) throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            python3 - <<'PY'
            import random, struct, zlib
            random.seed(1)
            words = [bytes(random.choice(b'abcdefghijklmnopqrstuvwxyz') for _ in range(random.randint(2, 9))) for _ in range(5000)]
            def body(data, level):
                c = zlib.compressobj(level, zlib.DEFLATED, -15)
                return c.compress(data) + c.flush()
            def member(data, name, level=6):
                head = b'\x1f\x8b\x08\x08\0\0\0\0\0\3' + b'n' * name + b'\0'
                return head + body(data, level) + struct.pack('<II', zlib.crc32(data), len(data))
            data = b' '.join(random.choice(words) for _ in range(120000))
            lo, hi = 0, len(data)
            while lo < hi:
                mid = (lo + hi) // 2
                if len(body(data[:mid], 6)) < 261500: lo = mid + 1
                else: hi = mid
            a = data[:lo]
            b = b' '.join(random.choice(words) for _ in range(20000))
            t = random.randbytes(1200000) if TAIL else b''
            open('expected', 'wb').write(a + b + a + t)
            open('tail.gz', 'wb').write(member(t, 2, 1) if TAIL else b'')
            base = len(member(a, 1)) - 1
            for name in range(262144 - base - 24, 262144 - base + 300):
                open('case-%d.gz' % name, 'wb').write(member(a, name) + member(b, 3) + member(a, 5, 1))
            PY
            for f in case-*.gz; do cat $f tail.gz > whole.gz; "$BALE" gunzip -c whole.gz | cmp -s - expected || echo "wrong: $f"; done
            ls case-*.gz | wc -l
            """#.replacingOccurrences(of: "TAIL", with: tail ? "True" : "False"))
        #expect(run.stdout == "324\n", "\(run.stdout)\(run.stderr)")
    }

    /// A header longer than the decoder's input buffer (a 400 kB name and
    /// a comment, with a header CRC) cannot be parsed in place: zlib reads
    /// that member, and ISA-L the next.
    @Test func headerLongerThanTheBufferIsRead() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            \#(Fixtures.gen)
            gen 3000000 data
            python3 - <<'PY'
            import struct, zlib
            data = open('data', 'rb').read()
            head = b'\x1f\x8b\x08' + bytes([8 | 16 | 2]) + b'\0\0\0\0\0\3' + b'n' * 400000 + b'\0' + b'comment\0'
            head += struct.pack('<H', zlib.crc32(head) & 0xffff)
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            body = c.compress(data) + c.flush()
            member = head + body + struct.pack('<II', zlib.crc32(data), len(data))
            open('long.gz', 'wb').write(member + member)
            PY
            cat data data > two
            "$BALE" gunzip -c long.gz | cmp - two || echo file
            cat long.gz | "$BALE" gunzip | cmp - two || echo pipe
            echo done
            """#)
        #expect(run.status == 0 && run.stdout == "done\n", "\(run.stdout)\(run.stderr)")
    }

    /// Damage says what it said when zlib inflated every stream: the same
    /// message, offset and exit status from a file and from a pipe for a
    /// wrong CRC or length (in a second member too), truncation and
    /// trailing garbage; a broken Huffman table in zlib's words from a
    /// file (zlib judges the member again there), and as damage at some
    /// byte from a pipe.
    /// Each from a small file (read in the decoding thread) and from one
    /// past the small-file limit (read ahead on a thread of its own).
    @Test(arguments: [300000, 1500000]) func damageIsReportedAsBefore(lines: Int) throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            seq 1 \#(lines) > f && gzip -c f > good.gz
            python3 - <<'PY'
            g = open('good.gz', 'rb').read()
            def put(name, data): open(name + '.gz', 'wb').write(data)
            def flip(data, at, mask=0x01): d = bytearray(data); d[at] ^= mask; return bytes(d)
            put('crc', flip(g, len(g) - 8))
            put('length', flip(g, len(g) - 2))
            put('crc2', g + flip(g, len(g) - 6))
            put('length2', g + flip(g, len(g) - 4))
            put('cut', g[:len(g) * 2 // 3])
            put('garbage', g + b'not gzip')
            put('huffman', flip(g, 13, 0xff))  # the code-length code lengths
            put('huffman2', g + flip(g, 13, 0xff))
            print('sizes', len(g), len(g) + 19)
            PY
            for c in crc length crc2 length2 cut garbage huffman huffman2; do
              "$BALE" gunzip -c $c.gz > /dev/null 2> err; echo "$c file: $? $(sed "s/$c.gz/NAME/" err)"
              cat $c.gz | "$BALE" gunzip -c > /dev/null 2> err; echo "$c pipe: $? $(sed "s/stdin/NAME/; s/at byte [0-9]*: .*/at byte N/" err)"
            done
            """#)
        let size = run.stdout.split(separator: "\n").first { $0.hasPrefix("sizes ") }?.split(separator: " ") ?? []
        try #require(size.count == 3, "\(run.stdout)\(run.stderr)")
        let (one, second) = (Int(size[1])!, Int(size[2])!)
        #expect(run.stdout == """
            sizes \(one) \(second)
            crc file: 1 bale: NAME: invalid compressed data at byte \(one - 4): incorrect data check
            crc pipe: 1 bale: NAME: invalid compressed data at byte N
            length file: 1 bale: NAME: invalid compressed data at byte \(one): incorrect length check
            length pipe: 1 bale: NAME: invalid compressed data at byte N
            crc2 file: 1 bale: NAME: invalid compressed data at byte \(2 * one - 4): incorrect data check
            crc2 pipe: 1 bale: NAME: invalid compressed data at byte N
            length2 file: 1 bale: NAME: invalid compressed data at byte \(2 * one): incorrect length check
            length2 pipe: 1 bale: NAME: invalid compressed data at byte N
            cut file: 1 bale: NAME: truncated: unexpected end of file
            cut pipe: 1 bale: NAME: truncated: unexpected end of file
            garbage file: 2 bale: NAME: decompression OK, trailing garbage ignored
            garbage pipe: 2 bale: NAME: decompression OK, trailing garbage ignored
            huffman file: 1 bale: NAME: invalid compressed data at byte 19: invalid code lengths set
            huffman pipe: 1 bale: NAME: invalid compressed data at byte N
            huffman2 file: 1 bale: NAME: invalid compressed data at byte \(second): invalid code lengths set
            huffman2 pipe: 1 bale: NAME: invalid compressed data at byte N

            """, "\(run.stdout)\(run.stderr)")
        // The pipe's offsets for a wrong CRC or length are the file's.
        let pipe = try scratch.run(#"""
            for c in crc length crc2 length2; do cat $c.gz | "$BALE" gunzip -c 2>&1 > /dev/null; done
            """#)
        #expect(pipe.stdout == """
            bale: stdin: invalid compressed data at byte \(one - 4): incorrect data check
            bale: stdin: invalid compressed data at byte \(one): incorrect length check
            bale: stdin: invalid compressed data at byte \(2 * one - 4): incorrect data check
            bale: stdin: invalid compressed data at byte \(2 * one): incorrect length check

            """, "\(pipe.stdout)\(pipe.stderr)")
    }

    /// `--codec zlib` inflates streams with zlib, the reference: from a
    /// pipe too, a broken Huffman table is named in zlib's words.
    @Test func codecZlibInflatesStreamsWithZlib() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            seq 1 300000 > f && gzip -c f > good.gz
            python3 -c 'g = bytearray(open("good.gz", "rb").read()); g[13] ^= 0xff; open("bad.gz", "wb").write(g)'
            cat good.gz | "$BALE" gunzip --codec zlib | cmp - f || echo "not inflated"
            cat bad.gz | "$BALE" gunzip --codec zlib > /dev/null 2> err; echo "status $? $(grep -v worker err)"
            """#)
        // (From a pipe, bale starts its workers for the parallel pass; how
        // they end is not what this test is about.)
        #expect(run.stdout == "status 1 bale: stdin: invalid compressed data at byte 19: invalid code lengths set\n",
                "\(run.stdout)\(run.stderr)")
    }

    /// An output that fails stops the run as before: a full device is an
    /// error naming standard output (exit 1), a reader that went away ends
    /// it quietly (141).
    @Test func outputFailureStopsTheInflate() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            \#(Fixtures.gen)
            gen 20000000 data && gzip -c data > data.gz
            "$BALE" gunzip -c data.gz > /dev/full 2> err; echo "full: $? $(cat err)"
            cat data.gz | "$BALE" gunzip -c > /dev/full 2> err; echo "full pipe: $? $(grep -v 'worker' err)"
            "$BALE" gunzip -c data.gz 2> err | head -c 10 > /dev/null; echo "closed: ${PIPESTATUS[0]} $(cat err)"
            """#)
        // (From a pipe, bale starts its workers for the parallel pass; how
        // they end is not what this test is about.)
        #expect(run.stdout == """
            full: 1 bale: stdout: write error: No space left on device
            full pipe: 1 bale: stdout: write error: No space left on device
            closed: 141 \("")

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `unpack` of a GNU `tar -czf` archive (files larger than the
    /// writer's buffers, small ones, links) gives the tree GNU tar gives,
    /// from a file and from a pipe; a cut archive fails as before and
    /// keeps the entries read whole, and only those.
    @Test func unpackOfAGNUArchiveIsUnchanged() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            \#(Fixtures.gen)
            mkdir -p tree/sub/deeper
            gen 6000000 tree/big && gen 3000000 tree/sub/middle
            for i in $(seq 1 200); do echo "file $i" > tree/sub/deeper/small-$i; done
            ln -s ../big tree/sub/link && ln tree/big tree/hard
            tar -czf tree.tar.gz tree
            mkdir gnu file pipe cut
            tar -xzf tree.tar.gz -C gnu
            "$BALE" unpack tree.tar.gz -C file || echo "file failed"
            cat tree.tar.gz | "$BALE" unpack - -C pipe || echo "pipe failed"
            diff -r --no-dereference gnu file && diff -r --no-dereference gnu pipe || echo differ
            [ "$(stat -c %i file/tree/big)" = "$(stat -c %i file/tree/hard)" ] || echo "hard link"
            head -c $(($(stat -c %s tree.tar.gz) * 3 / 4)) tree.tar.gz > cut.tar.gz
            "$BALE" unpack cut.tar.gz -C cut; echo "cut: $?"
            kept=$(cd cut && find . -type f | wc -l); [ "$kept" -gt 0 ] || echo "nothing kept"
            (cd cut && find . -type f) | while read -r f; do cmp -s "cut/$f" "$f" || echo "$f differs"; done
            echo done
            """#)
        #expect(run.stdout == "cut: 1\ndone\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("bale: cut.tar.gz: truncated: unexpected end of file"), "\(run.stderr)")
    }
}
