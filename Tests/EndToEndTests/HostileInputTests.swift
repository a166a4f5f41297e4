import Foundation
import Testing

/// Damaged and hostile input, made byte by byte in python3: never a
/// crash or a hang, always a message naming the file and the cause, the
/// documented exit code, bounded memory, no output file and no temporary
/// left, and nothing written outside the destination.
@Suite struct HostileInputTests {
    /// gzip cases, after GNU gzip's test suite: an empty file, a cut one, a
    /// flipped byte (CRC), trailing garbage (warning, exit 2, as gzip),
    /// trailing NUL bytes (ignored, as gzip), bad magic, method and flags,
    /// a bad dynamic Huffman table, and bale members whose extra field
    /// claims absurd or wrong sizes (read as plain gzip, as gzip reads them).
    @Test func damagedGzip() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            seq 1 200000 > f && gzip -c f > good.gz && "$BALE" gzip -c f > bale.gz
            python3 - <<'PY'
            import struct
            g = open('good.gz', 'rb').read(); b = open('bale.gz', 'rb').read()
            def put(name, data): open(name + '.gz', 'wb').write(data)
            put('empty', b'')
            put('cut', g[:len(g) // 2])
            f = bytearray(g); f[len(g) // 2] ^= 0xff; put('flipped', f)
            put('garbage', g + b'hello garbage')
            put('nuls', g + b'\0' * 100)
            put('magic', b'\x1f\x8c' + g[2:])
            put('method', g[:2] + b'\x07' + g[3:])
            put('flags', g[:3] + b'\xe0' + g[4:])
            h = bytearray(g); h[13] ^= 0xff; put('huffman', h)  # the code-length code lengths
            m = bytearray(b); struct.pack_into('<II', m, 18, 0xffffffff, 0xfffffff0); put('absurd', m)
            m = bytearray(b); struct.pack_into('<I', m, 22, struct.unpack_from('<I', b, 22)[0] - 1); put('wrong', m)
            PY
            for c in empty cut flipped garbage nuls magic method flags huffman absurd wrong; do
                /usr/bin/time -f %M -o rss "$BALE" gunzip -k $c.gz 2> err; status=$?
                out=missing; [ -e $c ] && { cmp -s $c f && out=right || out=WRONG; }
                [ $(cat rss | tail -1) -lt 100000 ] || echo "$c: memory $(tail -1 rss) KB"
                echo "$c: $status $out $(sed 's/at byte [0-9]*/at byte N/' err)"
                rm -f $c
            done
            ls -A | grep bale- || echo "no temporary left"
            """#)
        #expect(run.stdout == """
            empty: 1 missing bale: empty.gz: unexpected end of file
            cut: 1 missing bale: cut.gz: truncated: unexpected end of file
            flipped: 1 missing bale: flipped.gz: invalid compressed data at byte N: incorrect data check
            garbage: 2 right bale: garbage.gz: decompression OK, trailing garbage ignored
            nuls: 0 right \("")
            magic: 1 missing bale: magic.gz: not in gzip format
            method: 1 missing bale: method.gz: invalid compressed data at byte N: unknown compression method
            flags: 1 missing bale: flags.gz: invalid compressed data at byte N: unknown header flags set
            huffman: 1 missing bale: huffman.gz: invalid compressed data at byte N: invalid code lengths set
            absurd: 0 right \("")
            wrong: 0 right \("")
            no temporary left

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Tar cases: a bad header checksum, a negative and an enormous size,
    /// pax records with a wrong, zero or non-numeric length (named, the
    /// rest of the pax header ignored and the entry extracted, as GNU tar
    /// does), an enormous pax header, names that climb out ("../", a symbolic link, a hard
    /// link), an absolute name (kept inside, as tar does), a cut archive.
    @Test func hostileTar() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            python3 - <<'PY'
            import gzip
            def hdr(name, size=0, typ=b'0', sizefield=None, good=True, link=b''):
                b = bytearray(512); b[0:len(name)] = name
                b[100:108] = b'0000644\0'; b[108:116] = b'0000000\0'; b[116:124] = b'0000000\0'
                b[124:136] = sizefield if sizefield is not None else b'%011o\0' % size
                b[136:148] = b'00000000000\0'; b[156:157] = typ; b[157:157 + len(link)] = link
                b[257:265] = b'ustar\x0000'; b[148:156] = b' ' * 8
                b[148:156] = b'%06o\0 ' % sum(b) if good else b'000000\0 '
                return bytes(b)
            def pad(d): return d + b'\0' * ((512 - len(d) % 512) % 512)
            end = b'\0' * 1024
            cases = {
                'checksum': hdr(b'a', 5, good=False) + pad(b'hello') + end,
                'negative': hdr(b'a', sizefield=b'\xff' * 12) + end,
                'enormous': hdr(b'a', sizefield=b'77777777777\0') + pad(b'hello') + end,
                'paxlength': hdr(b'PaxHeaders/a', 20, typ=b'x') + pad(b'99 path=zzz\n12345678') + hdr(b'a', 5) + pad(b'hello') + end,
                'paxzero': hdr(b'PaxHeaders/a', 12, typ=b'x') + pad(b'0 path=zzz\n') + hdr(b'a', 5) + pad(b'hello') + end,
                'paxtext': hdr(b'PaxHeaders/a', 12, typ=b'x') + pad(b'xx path=zz\n\n') + hdr(b'a', 5) + pad(b'hello') + end,
                'paxhuge': hdr(b'PaxHeaders/a', sizefield=b'77777777777\0', typ=b'x') + end,
                'dotdot': hdr(b'../evil', 5) + pad(b'hello') + end,
                'symlink': hdr(b'link', typ=b'2', link=b'..') + hdr(b'link/evil', 5) + pad(b'hello') + end,
                'hardlink': hdr(b'hl', typ=b'1', link=b'../outside') + end,
                'absolute': hdr(b'/evil', 5) + pad(b'hello') + end,
                'cut': hdr(b'a', 5000) + b'x' * 100,
            }
            for name, data in cases.items(): open(name + '.tar.gz', 'wb').write(gzip.compress(data))
            PY
            echo secret > outside; touch stamp; sleep 0.01
            for c in checksum negative enormous paxlength paxzero paxtext paxhuge dotdot symlink hardlink absolute cut; do
                rm -rf dest
                /usr/bin/time -f %M -o rss "$BALE" unpack $c.tar.gz -C dest 2> err; status=$?
                [ $(tail -1 rss) -lt 100000 ] || echo "$c: memory $(tail -1 rss) KB"
                echo "$c: $status [$(cd dest && find . -mindepth 1 | sort | tr '\n' ' ' | sed 's/ $//')] $(tr '\n' '|' < err)"
            done
            find . -mindepth 1 -newer stamp ! -path './dest*' ! -name rss ! -name err | sort | tr '\n' ' '; echo
            cat outside
            """#)
        #expect(run.stdout == """
            checksum: 1 [] bale: checksum.tar.gz: not a valid tar archive at byte 0 of the tar stream: bad tar header checksum|
            negative: 1 [] bale: negative.tar.gz: not a valid tar archive at byte 0 of the tar stream: its size field holds ‘\\377\\377\\377\\377\\377\\377\\377\\377\\377\\377\\377\\377’, not a number|
            enormous: 1 [] bale: a: the archive breaks off inside it; not extracted|bale: enormous.tar.gz: truncated: unexpected end of file|
            paxlength: 1 [./a] bale: paxlength.tar.gz: bad pax record at byte 512 of the tar stream; the rest of its extended header ignored|
            paxzero: 1 [./a] bale: paxzero.tar.gz: bad pax record at byte 512 of the tar stream; the rest of its extended header ignored|
            paxtext: 1 [./a] bale: paxtext.tar.gz: bad pax record at byte 512 of the tar stream; the rest of its extended header ignored|
            paxhuge: 1 [] bale: paxhuge.tar.gz: not a valid tar archive at byte 0 of the tar stream: extended header of 8589934591 bytes|
            dotdot: 1 [] bale: ../evil: contains '..'; not extracted|
            symlink: 1 [./link] bale: link/evil: a parent is a symbolic link or not a directory; not extracted|
            hardlink: 1 [] bale: hl: hard link to a name outside the destination; not extracted|
            absolute: 0 [./evil] bale: Removing leading `/' from member names|
            cut: 1 [] bale: a: the archive breaks off inside it; not extracted|bale: cut.tar.gz: truncated: unexpected end of file|
            \("")
            secret

            """, "\(run.stdout)\(run.stderr)")
    }
}
