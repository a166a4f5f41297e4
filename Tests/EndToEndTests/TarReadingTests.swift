import Foundation
import Testing

/// Tar archives from other tools are read as GNU tar reads them (issue 14,
/// point 3, and the tar half of point 1): GNU tar itself makes the sparse
/// archives and judges the result (`cmp`, `stat -c %b`, `tar -tvf`);
/// python3 forges the odd archives other writers make, and each is given
/// to GNU tar and to bale, whose extracted trees must be the same.
@Suite struct TarReadingTests {
    /// `forge.py`: writes tar headers byte by byte (any type letter, a
    /// checksum over signed or unsigned bytes, raw size and time fields)
    /// and pax headers with any records.
    static let forge = #"""
        cat > forge.py <<'PY'
        import sys
        def hdr(name, typ=b'0', size=0, data=b'', link=b'', mtime=0, signed=False,
                magic=b'ustar\x0000', sizefield=None, mtimefield=None, uidfield=None, extra=None):
            h = bytearray(512)
            h[0:len(name)] = name
            h[100:108] = b'%07o\0' % 0o644
            h[108:116] = uidfield if uidfield is not None else b'%07o\0' % 0
            h[116:124] = b'%07o\0' % 0
            h[124:136] = sizefield if sizefield is not None else b'%011o\0' % size
            h[136:148] = mtimefield if mtimefield is not None else b'%011o\0' % mtime
            h[156:157] = typ
            h[157:157 + len(link)] = link
            h[257:265] = magic
            if extra: h[extra[0]:extra[0] + len(extra[1])] = extra[1]
            h[148:156] = b' ' * 8
            s = sum(b - 256 if (signed and b > 127) else b for b in h)
            h[148:156] = b'%06o\0 ' % (s & 0o777777)
            out = bytes(h) + data
            if len(data) % 512: out += b'\0' * (512 - len(data) % 512)
            return out
        def pax(records, typ=b'x'):
            body = b''
            for k, v in records:
                r = b' ' + k + b'=' + v + b'\n'
                n = len(r) + len(str(len(r)))
                if len(str(n)) != len(str(len(r))): n = len(r) + len(str(n))
                body += str(n).encode() + r
            return hdr(b'./PaxHeaders/x', typ, len(body), body)
        END = b'\0' * 1024
        def put(name, data): open(name, 'wb').write(data + END)
        PY
        """#

    /// Runs GNU tar and bale on each archive named in `archives` (in the
    /// scratch directory) and prints, per archive, both extracted trees
    /// (type, size, name, mtime, link target) when they differ, bale's exit
    /// status and its messages.
    static let compareWithGNUTar = #"""
        compare() {
            for a in "$@"; do
                rm -rf gnu bale; mkdir gnu bale
                tar -xf $a -C gnu 2> /dev/null
                "$BALE" unpack $a -C bale 2> err; status=$?
                tree() { (cd $1 && find . -mindepth 1 -printf '%y %s %p %T@ %l\n' | sort); }
                if [ "$(tree gnu)" = "$(tree bale)" ]; then same=same; else same=DIFFERENT; diff <(tree gnu) <(tree bale); fi
                echo "$a: $status $same $(tr '\n' '|' < err)"
            done
        }
        """#

    /// Sparse files in every format GNU tar 1.34 writes (old GNU 'S', with
    /// extension blocks once there are more than 4 regions, and pax 0.0,
    /// 0.1 and 1.0), plain and through gzip: extracted identical to the
    /// original (`cmp`), holes left as holes (no more blocks than GNU tar's
    /// own extraction allocates), listed with the real name and size as
    /// `tar -tvf` lists them, and their digests verified against a manifest
    /// of the originals. bsdtar's pax sparse files (format 1.0) too.
    @Test(arguments: ["tar --format=gnu -S", "tar --format=pax --sparse-version=0.0 -S",
                      "tar --format=pax --sparse-version=0.1 -S", "tar --format=pax --sparse-version=1.0 -S",
                      "bsdtar --format=pax"])
    func sparseFilesAsTheOriginal(writer: String) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            set -e
            mkdir src && cd src
            # islands in a 10 MB hole; data at the start; one ending in data;
            # all hole; 30 islands (old GNU needs extension blocks for them).
            truncate -s 10M islands
            printf hello | dd of=islands bs=1 seek=1000000 conv=notrunc 2> /dev/null
            printf world | dd of=islands bs=1 seek=5000000 conv=notrunc 2> /dev/null
            head -c 3000 /dev/urandom > head; truncate -s 2M head
            truncate -s 3M tail; printf 'the end' >> tail
            truncate -s 1M empty
            truncate -s 50M many
            for i in $(seq 0 29); do printf "island$i" | dd of=many bs=1 seek=$((i * 1600007)) conv=notrunc 2> /dev/null; done
            sha256sum islands head tail empty many > ../manifest
            cd ..
            \(writer) -cf s.tar -C src islands head tail empty many
            gzip -c s.tar > s.tar.gz
            mkdir gnu && tar -xf s.tar -C gnu
            set +e
            for a in s.tar s.tar.gz; do
                rm -rf out; mkdir out
                "$BALE" unpack $a -C out; echo "$a unpack: $?"
                for f in islands head tail empty many; do
                    cmp src/$f out/$f || echo "$f: DIFFERENT"
                    [ $(stat -c %b out/$f) -le $(stat -c %b gnu/$f) ] || echo "$f: holes filled: $(stat -c %b out/$f) blocks, GNU tar $(stat -c %b gnu/$f)"
                done
                ls out | grep -i sparse && echo "a GNUSparseFile directory"
                diff <("$BALE" list $a | awk '{print $3, $6}' | sort) <(tar -tvf s.tar | awk '{print $3, $6}' | sort) \\
                    && echo "$a list: as tar -tvf"
                "$BALE" verify --manifest manifest $a; echo "$a verify: $?"
            done
            """)
        #expect(run.stdout == """
            s.tar unpack: 0
            s.tar list: as tar -tvf
            s.tar: OK (5 entries, 5 files match the manifest)
            s.tar verify: 0
            s.tar.gz unpack: 0
            s.tar.gz list: as tar -tvf
            s.tar.gz: OK (5 entries, 5 files match the manifest)
            s.tar.gz verify: 0

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == "")
    }

    /// An empty pax `path` (or `linkpath`) record deletes the header's
    /// field too, as POSIX says of an empty value and GNU tar reads it:
    /// the entry's name is empty, listed empty as `tar -tv` lists it, and
    /// not extracted. bale took the ustar name, one `tar -tv` never
    /// shows, and extracted a file under it, exit 0 (a probe helper).
    @Test func anEmptyPaxPathDeletesTheHeadersName() throws {
        let run = try Scratch().run(Self.forge + "\n" + #"""
            python3 - <<'PY'
            from forge import *
            put('p.tar', pax([(b'path', b'')]) + hdr(b'hidden-name', b'0', 2, b'p3') + hdr(b'after', b'0', 2, b'ok')
                + pax([(b'linkpath', b'')]) + hdr(b'l', b'2', link=b'hidden-target'))
            PY
            [ "$("$BALE" list -v p.tar)" = "$(tar -tvf p.tar)" ] && echo "listed as tar lists it"
            mkdir o && "$BALE" unpack p.tar -C o 2> /dev/null; echo "unpack $? $(ls -A o | tr '\n' ' ')"
            """#)
        #expect(run.stdout == "listed as tar lists it\nunpack 1 after \n", "\(run.stdout)\(run.stderr)")
    }

    /// The rest of a file from another volume in pax form (GNU tar's
    /// `--format=posix -M`: a plain file whose `GNU.volume.offset` says
    /// where it starts) is refused as the 'M' entry is: `unpack`, `cat`
    /// and `verify` exit 1, and `list` shows it as `tar -tv` does. It was
    /// extracted (`GNUFileParts/big.3`, the file's tail) and verified
    /// "OK", exit 0 (a probe helper).
    @Test(.enabled(if: Machine.has("tar"), "needs GNU tar"))
    func aPaxContinuationIsRefusedAsTheGnuOneIs() throws {
        let run = try Scratch().run("""
            mkdir mv && head -c 60000 /dev/urandom > mv/big
            tar --format=posix -cM --tape-length=30 -f v1.tar -f v2.tar -f v3.tar mv
            "$BALE" verify v3.tar 2> err; echo "verify $? $(sed 's/^bale: //' err)"
            "$BALE" unpack v3.tar -C o 2> /dev/null; echo "unpack $? $(find o -type f | wc -l)"
            "$BALE" cat v3.tar mv/GNUFileParts/big.3 2> /dev/null | wc -c; echo "cat ${PIPESTATUS[0]}"
            [ "$("$BALE" list -v v3.tar)" = "$(tar -tvf v3.tar)" ] && echo "listed as tar lists it"
            """)
        #expect(run.stdout == """
            verify 1 mv/GNUFileParts/big.3: cannot extract -- file is continued from another volume
            unpack 1 0
            0
            cat 1
            listed as tar lists it

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Header types bale never writes, as GNU tar 1.34 handles them: a
    /// volume label ('V') skipped, a dump directory ('D') made as a
    /// directory with its listing skipped, a continuation from another
    /// volume ('M') refused (exit 1), unknown letters extracted as regular
    /// files with GNU tar's warning (exit 2); a regular entry named "d/" is
    /// a directory whose data is skipped, said when it is extracted or
    /// verified (exit 2, as GNU tar -x; bale said nothing, exit 0, and for
    /// "./", the destination itself, until 2026-12-04; a file named "/"
    /// is no directory, as GNU tar lists it, refused as the destination
    /// itself) and not
    /// when listed (as tar -t), and data after a symbolic
    /// link, a fifo or a hard link with a size: the entries after them are
    /// all read (after the hard link, bale said "bad tar header checksum",
    /// exit 1, as GNU tar says "Skipping to next header", exit 2).
    /// Never an empty file where GNU tar makes none.
    @Test func headerTypesAsGNUTar() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.forge + "\n" + Self.compareWithGNUTar + "\n" + #"""
            python3 - <<'PY'
            from forge import *
            after = hdr(b'after', b'0', 3, b'abc')
            put('V.tar', hdr(b'MyVolume', b'V') + after)
            put('D.tar', hdr(b'dd/', b'D', 12, b'Nfoo\0Ybar\0\0\0') + hdr(b'dd/a', b'0', 3, b'abc') + after)
            put('M.tar', hdr(b'm', b'M', 600, b'q' * 600) + after)
            put('Q.tar', hdr(b'q', b'Q', 600, b'q' * 600) + after)
            put('N.tar', hdr(b'n', b'N', 3, b'xyz') + after)
            put('slash.tar', hdr(b'd/', b'0', 1500, b'q' * 1500) + hdr(b'd/f', b'0', 3, b'abc') + after)
            put('oldslash.tar', hdr(b'o/', b'\0', 600, b'q' * 600, magic=b'\0' * 8) + after)
            put('dotslash.tar', hdr(b'./', b'0', 3, b'xyz') + after)
            put('root.tar', hdr(b'/', b'0', 3, b'xyz') + after)
            put('symlink.tar', hdr(b'l', b'2', 600, b'q' * 600, link=b'after') + after)
            put('fifo.tar', hdr(b'p', b'6', 600, b'q' * 600) + after)
            put('hardlink.tar', hdr(b'a', b'0', 3, b'abc') + hdr(b'h', b'1', 600, b'q' * 600, link=b'a') + after)
            PY
            compare V.tar D.tar M.tar Q.tar N.tar slash.tar oldslash.tar dotslash.tar root.tar symlink.tar fifo.tar hardlink.tar
            for a in V.tar M.tar Q.tar; do "$BALE" list $a 2>&1 | sed -E 's/ .* [0-9]{2}:[0-9]{2} / /'; done
            "$BALE" list slash.tar > /dev/null; echo "list $?"; "$BALE" verify slash.tar; echo "verify $?"
            "$BALE" list root.tar | cut -c1-10; tar -tvf root.tar 2> /dev/null | cut -c1-10
            """#)
        #expect(run.stdout == """
            V.tar: 0 same \("")
            D.tar: 0 same \("")
            M.tar: 1 same bale: m: cannot extract -- file is continued from another volume; not extracted|
            Q.tar: 2 same bale: q: unknown file type 'Q', extracted as normal file|
            N.tar: 2 same bale: n: unknown file type 'N', extracted as normal file|
            slash.tar: 2 same bale: d/: a directory entry holding 1500 bytes of data; the data is skipped|
            oldslash.tar: 2 same bale: o/: a directory entry holding 600 bytes of data; the data is skipped|
            dotslash.tar: 2 same bale: ./: a directory entry holding 3 bytes of data; the data is skipped|
            root.tar: 1 same bale: Removing leading `/' from member names|bale: /: names the destination directory itself; not extracted|
            symlink.tar: 0 same \("")
            fifo.tar: 0 same \("")
            hardlink.tar: 0 same \("")
            Vrw-r--r-- MyVolume--Volume Header--
            -rw-r--r-- after
            Mrw-r--r-- m--Continued at byte 0--
            -rw-r--r-- after
            ?rw-r--r-- q unknown file type ‘Q’
            -rw-r--r-- after
            list 0
            slash.tar: read with warnings (3 entries)
            verify 2
            -rw-r--r--
            -rw-r--r--
            -rw-r--r--
            -rw-r--r--

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A symbolic link, a device or a FIFO whose size field is not 0, with
    /// no data stored after it, as POSIX places these types (and a writer
    /// that puts a link target's length in the field): the entry after it
    /// is listed, verified and extracted, as GNU tar's extractor, bsdtar
    /// and python's tarfile read it. bale skipped the size's blocks, as
    /// GNU tar's lister does: `verify` said OK with the next entry lost,
    /// or the next header was swallowed (exit 1).
    @Test func theEntryAfterALinkOrADeviceWithASizeIsRead() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.forge + "\n" + Self.compareWithGNUTar + "\n" + #"""
            python3 - <<'PY'
            from forge import *
            after = hdr(b'after', b'0', 3, b'abc')
            put('symlink.tar', hdr(b'l', b'2', 600, link=b'after') + after)
            put('length.tar', hdr(b'l', b'2', 5, link=b'after') + after)
            put('paxsize.tar', pax([(b'size', b'1536')]) + hdr(b'l', b'2', 0, link=b'after') + after)
            put('fifo.tar', hdr(b'p', b'6', 3000) + after)
            put('chr.tar', hdr(b'c', b'3', 512, extra=(329, b'0000001\0' + b'0000003\0')) + after)
            PY
            compare symlink.tar length.tar paxsize.tar fifo.tar chr.tar
            for a in symlink.tar length.tar paxsize.tar fifo.tar chr.tar; do
                echo "$a: $("$BALE" list $a | awk '{print $6}' | tr '\n' ' ')$("$BALE" verify $a 2>&1)"
                python3 -c 'import sys, tarfile; print(" ".join(tarfile.open(sys.argv[1]).getnames()))' $a
            done
            """#)
        #expect(run.stdout == """
            symlink.tar: 0 same \("")
            length.tar: 0 same \("")
            paxsize.tar: 0 same \("")
            fifo.tar: 0 same \("")
            chr.tar: 0 same \("")
            symlink.tar: l after symlink.tar: OK (2 entries)
            l after
            length.tar: l after length.tar: OK (2 entries)
            l after
            paxsize.tar: l after paxsize.tar: OK (2 entries)
            l after
            fifo.tar: p after fifo.tar: OK (2 entries)
            p after
            chr.tar: c after chr.tar: OK (2 entries)
            c after

            """, "\(run.stdout)\(run.stderr)")
    }

    /// libarchive's `SCHILY.devmajor` and `SCHILY.devminor` records (bsdtar
    /// writes them for a minor of 2^18 and up) give the device's numbers,
    /// over the header's, as bsdtar reads them: bale warned it did not
    /// know them, exit 2, for bsdtar's archive of such a device (a probe
    /// helper; GNU tar warns and exits 0, and lists the header's numbers).
    @Test func libarchiveDeviceNumbersAreRead() throws {
        let run = try Scratch().run(#"""
            python3 - <<'PY'
            import tarfile
            with tarfile.open("dev.tar", "w", format=tarfile.PAX_FORMAT) as t:
                info = tarfile.TarInfo("d"); info.type = tarfile.CHRTYPE; info.devmajor = 1; info.devminor = 5
                info.pax_headers = {"SCHILY.devmajor": "4", "SCHILY.devminor": "300000"}
                t.addfile(info)
            PY
            "$BALE" list dev.tar 2>&1 | awk '{print $1, $3}'; echo "status ${PIPESTATUS[0]}"
            """#)
        #expect(run.stdout == """
            crw-r--r-- 4,300000
            status 0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Archives as other writers make them: checksums over signed bytes, a
    /// hard link that carries a size but no data, unknown pax keywords
    /// (ignored with GNU tar's warning, once each), those star and bsdtar
    /// write that record nothing bale restores (taken without a word, as
    /// bsdtar takes them: bale said GNU tar's warning, exit 2, for
    /// every such archive), a 5 MB pax attribute
    /// (read, and not restored with a warning: no file takes one over
    /// 64 KiB) and a 5 MB comment, global pax headers, pax uid/gid/uname/mtime with
    /// a fraction, GNU long names ('L', 'K') from GNU tar itself, base-256
    /// sizes, ids and times, negative and out-of-range times. bale
    /// extracts the same tree as GNU tar (names, sizes, times, links).
    @Test func otherWritersAsGNUTar() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.forge + "\n" + Self.compareWithGNUTar + "\n" + #"""
            python3 - <<'PY'
            from forge import *
            a = hdr(b'a', b'0', 3, b'abc')
            put('signed.tar', hdr('é'.encode() * 3, b'0', 3, b'abc', signed=True) + hdr(b'b', b'0', 3, b'def', signed=True))
            put('hardlink.tar', a + hdr(b'b', b'1', 3, link=b'a') + hdr(b'c', b'0', 3, b'def'))
            put('keyword.tar', pax([(b'FOO.bar', b'1'), (b'path', b'renamed'), (b'SCHILY.xattr.user.x', b'v')])
                + a + pax([(b'FOO.bar', b'2')]) + hdr(b'c', b'0', 3, b'def'))
            put('star.tar', pax([(b'SCHILY.dev', b'2049'), (b'SCHILY.ino', b'1234'), (b'SCHILY.nlink', b'1'),
                                 (b'LIBARCHIVE.creationtime', b'1600000000'), (b'LIBARCHIVE.symlinktype', b'file')]) + a)
            put('bigpax.tar', pax([(b'SCHILY.xattr.user.big', b'x' * 5000000), (b'comment', b'c' * 5000000)]) + a)
            put('global.tar', pax([(b'mtime', b'1234567890.5')], b'g') + a + hdr(b'c', b'0', 3, b'def'))
            put('values.tar', pax([(b'mtime', b'1600000000.123456789'), (b'uid', b'4000000000'), (b'gid', b'7'),
                                   (b'uname', b'nosuchuser'), (b'gname', b'nosuchgroup'), (b'linkpath', b'a')])
                + hdr(b'l', b'2') + a)
            put('negative.tar', pax([(b'mtime', b'-1.5')]) + a + hdr(b'b', b'0', 3, b'abc', mtimefield=b'\xff' * 11 + b'\x00'))
            put('huge.tar', pax([(b'mtime', b'99999999999999999999')]) + a
                + hdr(b'b', b'0', 3, b'abc', mtimefield=b'\x80' + b'\0' * 3 + b'\x7f' + b'\xff' * 7)
                + hdr(b'c', b'0', 3, b'abc', mtimefield=b'\x80' + b'\xff' * 11))
            put('base256.tar', hdr(b'a', b'0', 3, b'abc', sizefield=b'\x80' + b'\0' * 10 + b'\x03',
                                   uidfield=b'\x80' + b'\0' * 6 + b'\x05'))
            PY
            mkdir -p long/$(printf 'd%.0s' {1..60})/$(printf 'e%.0s' {1..60}) && cd long
            echo data > $(printf 'd%.0s' {1..60})/$(printf 'e%.0s' {1..60})/$(printf 'f%.0s' {1..110})
            ln -s $(printf 'x%.0s' {1..120}) $(printf 'd%.0s' {1..60})/$(printf 'e%.0s' {1..60})/$(printf 'l%.0s' {1..110})
            tar --format=gnu -cf ../long.tar . && cd ..
            compare signed.tar hardlink.tar keyword.tar star.tar bigpax.tar global.tar values.tar negative.tar huge.tar base256.tar long.tar
            diff <("$BALE" list long.tar 2>&1 | awk '{print $1, $3, $6, $7, $8}') <(tar -tvf long.tar | awk '{print $1, $3, $6, $7, $8}') \
                && echo "long.tar: listed as tar -tvf"
            for a in values.tar huge.tar; do "$BALE" list $a 2> err | sed -E 's/^[^ ]+ ([^ ]+) +[0-9]+ /\1 /'; cat err; done
            """#)
        #expect(run.stdout == """
            signed.tar: 0 same \("")
            hardlink.tar: 0 same \("")
            keyword.tar: 2 same bale: keyword.tar: ignoring unknown extended header keyword 'FOO.bar'|
            star.tar: 0 same \("")
            bigpax.tar: 2 same bale: a: extended attribute user.big: value larger than 65536 bytes; not restored|
            global.tar: 0 same \("")
            values.tar: 0 same \("")
            negative.tar: 0 same \("")
            huge.tar: 2 same bale: huge.tar: a: extended header mtime=99999999999999999999 is out of range or malformed; ignored|bale: huge.tar: c: base-256 time stamp out of range; -1 used|
            base256.tar: 0 same \("")
            long.tar: 0 same \("")
            long.tar: listed as tar -tvf
            nosuchuser/nosuchgroup \(Self.localTime(1_600_000_000)) l -> a
            0/0 \(Self.localTime(0)) a
            0/0 \(Self.localTime(0)) a
            0/0 9223372036854775807 b
            0/0 \(Self.localTime(-1))    c
            bale: huge.tar: a: extended header mtime=99999999999999999999 is out of range or malformed; ignored
            bale: huge.tar: c: base-256 time stamp out of range; -1 used

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A single zero block between entries: GNU tar ends the archive there
    /// ("A lone zero block"); bale reads on when a valid header follows
    /// (nothing after it is lost) and ends there when anything else does,
    /// with a warning either way (exit 2).
    /// A few bytes that are no tar at all (a text file, the gzip of `hi`),
    /// shorter than one header: GNU tar says "This does not look like a
    /// tar archive"; bale said "truncated: unexpected end of file", as of
    /// an archive cut short. An archive cut inside its first entry is
    /// still truncated.
    @Test func aFewBytesAreNoTarNotATruncatedOne() throws {
        let run = try Scratch().run(#"""
            printf 'hello world\n' > note.tar && printf 'hi\n' | gzip > hi.tar.gz
            "$BALE" list note.tar; echo "note: $?"
            mkdir x && "$BALE" unpack hi.tar.gz -C x; echo "hi: $?"
            "$BALE" verify hi.tar.gz; echo "verify hi: $?"
            mkdir d && head -c 3000 /dev/urandom > d/f && tar -cf whole.tar d && head -c 700 whole.tar > cut.tar
            "$BALE" list cut.tar > /dev/null; echo "cut: $?"
            """#)
        let noTar = "not a valid tar archive at byte 0 of the tar stream: it is shorter than one tar header (512 bytes)"
        #expect(run.stdout == """
            note: 1
            hi: 1
            verify hi: 1
            cut: 1

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == """
            bale: note.tar: \(noTar)
            bale: hi.tar.gz: \(noTar)
            bale: hi.tar.gz: \(noTar)
            bale: cut.tar: truncated: unexpected end of file

            """, "\(run.stdout)\(run.stderr)")
    }

    @Test func loneZeroBlock() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.forge + "\n" + #"""
            python3 - <<'PY'
            from forge import *
            a = hdr(b'a', b'0', 3, b'abc')
            open('between.tar', 'wb').write(a + b'\0' * 512 + hdr(b'b', b'0', 3, b'def') + END)
            open('garbage.tar', 'wb').write(a + b'\0' * 512 + b'garbage' * 100)
            PY
            for f in between.tar garbage.tar; do
                rm -rf out; mkdir out
                "$BALE" unpack $f -C out 2> err; echo "$f: $? $(ls out | tr '\n' ' ')$(cat err)"
            done
            """#)
        #expect(run.stdout == """
            between.tar: 2 a b bale: between.tar: a lone zero block at byte 1024 of the tar stream; reading on
            garbage.tar: 2 a bale: garbage.tar: a lone zero block at byte 1024 of the tar stream, then what is not a tar header; read as the end

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A sparse file whose header claims more than any file system holds
    /// (4 EiB) is listed and verified at once (its holes are not read as
    /// zeros), and `unpack` names it with where it could not seek (as GNU
    /// tar's "Cannot seek to N"; bale said only "Invalid argument"), leaves
    /// no temporary, and goes on with the next entries (exit 1).
    @Test func impossibleSparseFileIsNamed() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.forge + "\n" + #"""
            python3 - <<'PY'
            from forge import *
            put('huge.tar', pax([(b'GNU.sparse.major', b'0'), (b'GNU.sparse.minor', b'1'), (b'GNU.sparse.size', b'4611686018427387904'),
                                 (b'GNU.sparse.map', b'4611686018427387901,3')])
                + hdr(b'huge', b'0', 3, b'abc') + hdr(b'a', b'0', 3, b'abc'))
            PY
            "$BALE" list huge.tar | awk '{print $3, $6}'; echo "list: $?"
            "$BALE" verify huge.tar; echo "verify: $?"
            mkdir out && "$BALE" unpack huge.tar -C out 2> err; echo "unpack: $? $(ls -A out)"
            grep -c '^bale: huge: cannot seek to byte 4611686018427387901: .*; not extracted$' err
            """#)
        #expect(run.stdout == """
            4611686018427387904 huge
            3 a
            list: 0
            huge.tar: OK (2 entries)
            verify: 0
            unpack: 1 a
            1

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Owner ids and device numbers in base-256 beyond 32 bits (2^40 + 5,
    /// 2^32 + 7): listed as GNU tar lists them (the largest value), named
    /// in its words ("Archive value N is out of uid_t range"), exit 2; and
    /// extracted as root, the file keeps the extracting user (chown's "no
    /// change"), as with tar. They were cut to their low bits: uid 5, gid
    /// 7, exit 0, `verify` OK.
    @Test(.enabled(if: Machine.has("python3"), "python3 makes the archive"))
    func ownerIDsBeyondThirtyTwoBitsAreSaid() throws {
        let run = try Scratch().run(#"""
            python3 - <<'PY'
            import tarfile, io
            with tarfile.open('huge.tar', 'w', format=tarfile.GNU_FORMAT) as t:
                info = tarfile.TarInfo('f'); info.uid = 2**40 + 5; info.gid = 2**32 + 7; t.addfile(info, io.BytesIO(b''))
            PY
            "$BALE" list huge.tar > listed 2> err; echo "list: $?"; awk '{print $2}' listed
            cat err
            "$BALE" verify huge.tar > /dev/null 2>&1; echo "verify: $?"
            mkdir out && "$BALE" unpack huge.tar -C out 2> /dev/null; echo "unpack: $?"
            """#)
        #expect(run.stdout == """
            list: 2
            4294967295/4294967295
            bale: huge.tar: f: Archive value 1099511627781 is out of uid_t range 0..4294967295
            bale: huge.tar: f: Archive value 4294967303 is out of gid_t range 0..4294967295
            verify: 2
            unpack: 2

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The same archive extracted as root: the file keeps the extracting
    /// user's owner (chown's "no change"), as with GNU tar; it was given
    /// the ids' low bits (uid 5, gid 7).
    @Test(.enabled(if: Machine.has("python3"), "python3 makes the archive"),
          .enabled(if: Machine.isRoot, "only root may give a file another owner"))
    func ownerIDsBeyondThirtyTwoBitsLeaveTheExtractingUsersOwner() throws {
        let run = try Scratch().run(#"""
            python3 - <<'PY'
            import tarfile, io
            with tarfile.open('huge.tar', 'w', format=tarfile.GNU_FORMAT) as t:
                info = tarfile.TarInfo('f'); info.uid = 2**40 + 5; info.gid = 2**32 + 7; t.addfile(info, io.BytesIO(b''))
            PY
            mkdir out && "$BALE" unpack huge.tar -C out 2> /dev/null; echo "unpack: $?"
            stat -c '%u:%g' out/f | sed "s/^$(id -u):$(id -g)$/the extracting user's/"
            """#)
        #expect(run.stdout == "unpack: 2\nthe extracting user's\n", "\(run.stdout)\(run.stderr)")
    }

    /// Sparse records (and a GNU.sparse.name) on a symbolic link: the
    /// entry is read as its type says and the records are said to be
    /// ignored (exit 2, as GNU tar's "numeric overflow in sparse archive
    /// member"); bale read them silently, exit 0, the link under its
    /// stand-in name. The next entry is read.
    @Test func sparseRecordsOnALinkAreSaid() throws {
        let run = try Scratch().run(Self.forge + "\n" + #"""
            python3 - <<'PY'
            from forge import *
            put('link.tar', pax([(b'GNU.sparse.major', b'1'), (b'GNU.sparse.minor', b'0'), (b'GNU.sparse.name', b's'),
                                 (b'GNU.sparse.realsize', b'300')])
                + hdr(b'GNUSparseFile.0/s', b'2', link=b'/etc') + hdr(b'x', b'0', 1, b'2'))
            PY
            "$BALE" list link.tar > listed 2> err; echo "list: $?"; awk '{print $6, $7, $8}' listed
            grep -c '^bale: link.tar: GNUSparseFile.0/s: sparse file records on an entry that is not a regular file; ignored$' err
            mkdir out && "$BALE" unpack link.tar -C out 2> err; echo "unpack: $?"; ls -A out
            "$BALE" verify link.tar > /dev/null 2>&1; echo "verify: $?"
            """#)
        #expect(run.stdout == """
            list: 2
            GNUSparseFile.0/s -> /etc
            x  
            1
            unpack: 2
            GNUSparseFile.0
            x
            verify: 2

            """, "\(run.stdout)\(run.stderr)")
    }

    /// True when the temporary directory's file system keeps holes (a
    /// file truncated to 8 MiB takes almost no blocks) and reports them to
    /// SEEK_DATA/SEEK_HOLE, as ext4, xfs, btrfs and tmpfs do.
    static let fileSystemKeepsHoles: Bool = {
        let path = NSTemporaryDirectory() + "bale-hole-\(getpid())"
        defer { unlink(path) }
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard ftruncate(fd, 8 << 20) == 0 else { return false }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return false }
        return Int64(info.st_blocks) * 512 < 1 << 20 && lseek(fd, 0, 4 /* SEEK_HOLE */) == 0
    }()

    /// `pack --sparse` stores files with holes as GNU tar's pax sparse
    /// format 1.0: GNU tar and bsdtar extract them identical to the
    /// original with the holes kept, `tar -tvzf` lists the real names and
    /// sizes, only the data is stored, the manifest holds the digests of
    /// the whole files, and the archive is the same for any -p. Without
    /// `--sparse` nothing changes.
    @Test(.enabled(if: fileSystemKeepsHoles, "the temporary directory's file system does not keep holes"))
    func packSparse() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            set -e
            mkdir src && cd src
            truncate -s 10M islands
            printf hello | dd of=islands bs=1 seek=1000000 conv=notrunc 2> /dev/null
            printf world | dd of=islands bs=1 seek=5000000 conv=notrunc 2> /dev/null
            head -c 3000000 /dev/urandom > head; truncate -s 20M head
            truncate -s 3M tail; printf 'the end' >> tail
            truncate -s 4M empty
            truncate -s 50M many
            for i in $(seq 0 29); do printf "island$i" | dd of=many bs=1 seek=$((i * 1600007)) conv=notrunc 2> /dev/null; done
            sha256sum * > ../expected
            cd ..
            "$BALE" pack --sparse src -o s.tar.gz --manifest manifest -p 2
            "$BALE" pack -S src -o s1.tar.gz -p 1 --manifest manifest1  # the index holds the digests too
            "$BALE" pack src -o whole.tar.gz
            set +e
            cmp -s s.tar.gz s1.tar.gz && echo "same bytes for -p 1 and -p 2"
            sha256sum -c --quiet manifest 2>&1 | sed 's/^/manifest: /'
            sed 's#src/##' manifest | diff - expected > /dev/null && echo "manifest: digests of the whole files"
            echo "stored: $(( $(gzip -dc s.tar.gz | wc -c) < 4000000 )) without --sparse: $(( $(gzip -dc whole.tar.gz | wc -c) > 80000000 ))"
            diff <(tar -tvzf s.tar.gz | awk '{print $3, $6}') <(tar -tvzf whole.tar.gz | awk '{print $3, $6}') && echo "tar -tvzf: real names and sizes"
            for tool in tar bsdtar "$BALE"; do
                rm -rf out; mkdir out
                if [ "$tool" = "$BALE" ]; then "$BALE" unpack s.tar.gz -C out; else $tool -xzf s.tar.gz -C out; fi
                for f in islands head tail empty many; do
                    cmp src/$f out/src/$f || echo "$f: DIFFERENT"
                    [ $(stat -c %b out/src/$f) -le $(stat -c %b src/$f) ] || echo "$f: holes filled by $tool"
                done
                echo "$(basename $tool): extracted"
            done
            """)
        #expect(run.stdout == """
            same bytes for -p 1 and -p 2
            manifest: digests of the whole files
            stored: 1 without --sparse: 1
            tar -tvzf: real names and sizes
            tar: extracted
            bsdtar: extracted
            bale: extracted

            """, "\(run.stdout)\(run.stderr)")
    }

    /// `date +'%Y-%m-%d %H:%M'` for a time, as `list` shows it.
    static func localTime(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M", &parts)
        return String(cString: buffer)
    }

    /// A script that lists, unpacks and verifies each of `archives`,
    /// printing the names and exit statuses and verify's words.
    static func listUnpackAndVerify(_ archives: String) -> String {
        #"""
        for x in \#(archives); do
            "$BALE" list $x | awk '{print $6}' | tr '\n' ' '; echo "list ${PIPESTATUS[0]}"
            mkdir $x.d && "$BALE" unpack -q $x -C $x.d 2> /dev/null; echo "unpack $? $(ls $x.d | tr '\n' ' ')"
            "$BALE" verify $x 2> err; echo "verify $?"; cat err
        done
        """#
    }

    /// The warning for a tar header at `byte` of the stream, after its end.
    static func headerAfterTheEnd(at byte: Int) -> String {
        "a tar header follows the end-of-archive blocks, at byte \(byte) of the tar stream (another archive "
            + "appended, or blocks of this one zeroed?): it and what follows are not read, as tar reads them without "
            + "--ignore-zeros"
    }

    /// Two archives one after the other (`cat a.tar.gz b.tar.gz`): the
    /// second is not read, as GNU tar (without --ignore-zeros) and bsdtar
    /// read it, but `unpack`, `list` and `verify` say so, exit 2: `verify`
    /// said OK of the first archive's entries alone. Zeros after the end
    /// (GNU tar's records are 10 KiB) and bytes that are no header are
    /// passed over without a word, as before.
    @Test func anArchiveAppendedAfterTheEndIsSaid() throws {
        let run = try Scratch().run(#"""
            echo one > a && echo two > b
            tar -czf 1.tgz a && tar -czf 2.tgz b && cat 1.tgz 2.tgz > both.tgz
            tar -cf 1.tar a && tar -cf 2.tar b && cat 1.tar 2.tar > both.tar
            { cat 1.tar; head -c 20000 /dev/zero; echo junk; } > zeros.tar
            \#(Self.listUnpackAndVerify("both.tgz both.tar zeros.tar"))
            """#)
        let said = Self.headerAfterTheEnd(at: 10240)
        #expect(run.stdout == """
            a list 2
            unpack 2 a \("")
            both.tgz: read with warnings (1 entries)
            verify 2
            bale: both.tgz: \(said)
            a list 2
            unpack 2 a \("")
            both.tar: read with warnings (1 entries)
            verify 2
            bale: both.tar: \(said)
            a list 0
            unpack 0 a \("")
            zeros.tar: OK (1 entries)
            verify 0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Two blocks of an archive zeroed (an entry's header and its first
    /// data block) read as its end, as in every tar: the entries after
    /// them are not read, but said (a header further on), exit 2. Only the
    /// first block after the end was looked at, here the entry's data:
    /// `verify` said OK, `unpack` and `list` exit 0, with one entry of
    /// three (a probe helper).
    @Test func entriesAfterZeroedBlocksAreSaid() throws {
        let run = try Scratch().run(#"""
            mkdir src && echo a > src/a && seq 1 20000 > src/b && echo c > src/c
            tar --format=gnu -cf t.tar -C src a b c
            python3 -c "b = bytearray(open('t.tar', 'rb').read()); b[1024:2048] = bytes(1024); open('z.tar', 'wb').write(b)"
            gzip -k z.tar
            \#(Self.listUnpackAndVerify("z.tar z.tar.gz"))
            """#)
        let said = Self.headerAfterTheEnd(at: 110592)
        #expect(run.stdout == """
            a list 2
            unpack 2 a \("")
            z.tar: read with warnings (1 entries)
            verify 2
            bale: z.tar: \(said)
            a list 2
            unpack 2 a \("")
            z.tar.gz: read with warnings (1 entries)
            verify 2
            bale: z.tar.gz: \(said)

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A tar stream that ends between entries without its two end blocks
    /// (GNU tar's own archive, cut after its last entry's data; or after a
    /// single zero block) may have been cut there: unpack, list and verify
    /// say so and exit 2, plain and through gzip. A stream cut inside an
    /// entry, or between a pax header and its entry, stays an error (exit 1).
    /// An empty stream warns too (GNU tar and bsdtar: an empty archive, exit
    /// 0), as a tar stopped before its first record leaves it; an empty file
    /// is no archive (exit 1).
    @Test func missingEndBlocksWarn() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir src && seq 1 1000 > src/a && seq 1 3000 > src/b
            tar --format=pax -cf whole.tar -C src a b
            # b's data ends at its first byte + its size, padded to a block
            end=$(python3 -c "
            import tarfile; m = tarfile.open('whole.tar').getmember('b')
            print(m.offset_data + (m.size + 511) // 512 * 512)")
            head -c $end whole.tar > noend.tar
            head -c $((end + 512)) whole.tar > lone.tar
            head -c $((end - 1000)) whole.tar > inside.tar
            # b's pax header whole, its own header missing
            head -c $(python3 -c "
            import tarfile; print(tarfile.open('whole.tar').getmember('b').offset_data - 512)") whole.tar > paxonly.tar
            # no byte at all: what a `tar -c | gzip` stopped before tar's first record leaves
            : > empty.tar
            for a in whole noend lone inside paxonly empty; do
                gzip -c $a.tar > $a.tar.gz
                for f in $a.tar $a.tar.gz; do
                    rm -rf out; mkdir out
                    "$BALE" unpack $f -C out 2> err; u=$?
                    "$BALE" list $f > /dev/null 2>> err; l=$?
                    "$BALE" verify $f >> verify 2>> err; v=$?
                    echo "$f: unpack $u list $l verify $v, extracted: $(ls out | tr '\n' ' ')"
                    sort -u err
                done
            done
            cat verify
            """#)
        let warning = "the tar stream ends without its end-of-archive blocks; it may be truncated"
        #expect(run.stdout == """
            whole.tar: unpack 0 list 0 verify 0, extracted: a b \("")
            whole.tar.gz: unpack 0 list 0 verify 0, extracted: a b \("")
            noend.tar: unpack 2 list 2 verify 2, extracted: a b \("")
            bale: noend.tar: \(warning)
            noend.tar.gz: unpack 2 list 2 verify 2, extracted: a b \("")
            bale: noend.tar.gz: \(warning)
            lone.tar: unpack 2 list 2 verify 2, extracted: a b \("")
            bale: lone.tar: \(warning)
            lone.tar.gz: unpack 2 list 2 verify 2, extracted: a b \("")
            bale: lone.tar.gz: \(warning)
            inside.tar: unpack 1 list 1 verify 1, extracted: a \("")
            bale: b: the archive breaks off inside it; not extracted
            bale: inside.tar: the damage is in or after b (the last entry read whole or in part)
            bale: inside.tar: truncated: unexpected end of file
            inside.tar.gz: unpack 1 list 1 verify 1, extracted: a \("")
            bale: b: the archive breaks off inside it; not extracted
            bale: inside.tar.gz: the damage is in or after b (the last entry read whole or in part)
            bale: inside.tar.gz: truncated: unexpected end of file
            paxonly.tar: unpack 1 list 1 verify 1, extracted: a \("")
            bale: paxonly.tar: the damage is in or after a (the last entry read whole or in part)
            bale: paxonly.tar: truncated: unexpected end of file
            paxonly.tar.gz: unpack 1 list 1 verify 1, extracted: a \("")
            bale: paxonly.tar.gz: the damage is in or after a (the last entry read whole or in part)
            bale: paxonly.tar.gz: truncated: unexpected end of file
            empty.tar: unpack 1 list 1 verify 1, extracted: \("")
            bale: empty.tar: empty: not a gzip file or a tar archive
            empty.tar.gz: unpack 2 list 2 verify 2, extracted: \("")
            bale: empty.tar.gz: \(warning)
            whole.tar: OK (2 entries)
            whole.tar.gz: OK (2 entries)
            noend.tar: read with warnings (2 entries)
            noend.tar.gz: read with warnings (2 entries)
            lone.tar: read with warnings (2 entries)
            lone.tar.gz: read with warnings (2 entries)
            empty.tar.gz: read with warnings (0 entries)

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A numeric field with one NUL before its digits (a "buggy tar of
    /// unknown vintage", as GNU tar's source calls it) is read as GNU tar
    /// reads it, the NUL passed over: the size was 0 (the data read as a
    /// header, "bad tar header checksum", the file extracted empty), a uid,
    /// mode or time 0, exit 0 (a probe helper). GNU tar judges.
    @Test func aNulBeforeANumbersDigitsIsPassedOver() throws {
        let run = try Scratch().run(#"""
            echo hello > f && chown 1234:42 f && touch -d @1000000000 f && chmod 640 f
            tar --format=ustar -cf x.tar f
            python3 -c "
            b = bytearray(open('x.tar', 'rb').read())
            for off, ln in ((100, 8), (108, 8), (124, 12), (136, 12)):  # mode, uid, size, mtime
                d = bytes(b[off:off + ln]).rstrip(b'\0 ').lstrip(b'0')
                b[off:off + ln] = (b'\0' + d.rjust(ln - 2, b'0') + b'\0')[:ln]
            b[148:156] = b' ' * 8; b[148:156] = ('%06o\0 ' % sum(b[:512])).encode()
            open('x.tar', 'wb').write(b)"
            gzip -k x.tar
            tar -tvf x.tar > want
            "$BALE" list x.tar.gz > got; echo "list $?"; cmp got want && echo "as tar lists it"
            mkdir b && "$BALE" unpack x.tar.gz -C b; echo "unpack $?"
            stat -c '%u %a %s %Y' b/f; cat b/f
            # and then a base-256 number, as GNU tar reads it too
            python3 -c "
            b = bytearray(open('x.tar', 'rb').read())
            b[124:136] = b'\0\x80' + bytes(9) + b'\x06'
            b[148:156] = b' ' * 8; b[148:156] = ('%06o\0 ' % sum(b[:512])).encode()
            open('y.tar', 'wb').write(b)"
            tar -tvf y.tar > want; "$BALE" list y.tar > got; echo "base 256: $?"; cmp got want && echo "as tar lists it"
            """#)
        #expect(run.stdout == """
            list 0
            as tar lists it
            unpack 0
            1234 640 6 1000000000
            hello
            base 256: 0
            as tar lists it

            """, "\(run.stdout)\(run.stderr)")
    }

    /// pax headers as GNU tar reads them (found by a read-only probe of
    /// foreign archives): of two pax headers in a row only the last counts
    /// (bale merged them, and extracted under the first one's `path` a
    /// file `tar -t` lists under another name); an empty `uname` or `gname`
    /// deletes the header's name (POSIX), so the ids say who owns the file
    /// (bale took the header's stale `root`: listed root/root, extracted as
    /// uid 0). GNU tar judges: `list` must print what `tar -tv` prints, and
    /// the extracted trees must match, names and owners.
    @Test func paxHeadersAsGnuTarReadsThem() throws {
        let run = try Scratch().run(#"""
            python3 - <<'P'
            import gzip, io, tarfile
            def h(n, s, t):
                b = bytearray(512); b[:len(n)] = n; b[100:108] = b'0000644\0'; b[108:124] = b'0000000\0' * 2
                b[124:136] = b'%011o\0' % s; b[136:148] = b'%011o\0' % 10**9; b[156:157] = t; b[257:265] = b'ustar\x0000'
                b[148:156] = b' ' * 8; b[148:156] = b'%06o\0 ' % sum(b); return bytes(b)
            pad = lambda d: d + b'\0' * (-len(d) % 512)
            x = lambda r: h(b'P', len(r), b'x') + pad(r)
            open('two.tgz', 'wb').write(gzip.compress(x(b'14 path=first\n') + x(b'11 mtime=5\n')
                                                      + h(b'hdr', 4, b'0') + pad(b'DATA') + b'\0' * 1024))
            t = tarfile.TarInfo('f'); t.size = 1; t.uname = t.gname = 'root'
            t.pax_headers = {'uname': '', 'gname': '', 'uid': '1', 'gid': '2'}
            z = tarfile.open('owner.tgz', 'w:gz', format=tarfile.PAX_FORMAT); z.addfile(t, io.BytesIO(b'x')); z.close()
            P
            for a in two owner; do
                tar -tvzf $a.tgz > tar.list; "$BALE" list $a.tgz > bale.list; cmp -s tar.list bale.list && echo "$a: list as tar -tv"
                mkdir t-$a b-$a && tar -xzf $a.tgz -C t-$a && "$BALE" unpack -q $a.tgz -C b-$a
                [ "$(cd t-$a && find . -printf '%p %U:%G\n' | sort)" = "$(cd b-$a && find . -printf '%p %U:%G\n' | sort)" ] && echo "$a: tree as tar -x"
            done
            """#)
        #expect(run.stdout == "two: list as tar -tv\ntwo: tree as tar -x\nowner: list as tar -tv\nowner: tree as tar -x\n",
                "\(run.stdout)\(run.stderr)")
    }

    /// POSIX's `hdrcharset=BINARY`, which python's tarfile and bsdtar
    /// write for a name that is not UTF-8, is taken without a word: bale
    /// takes every name as bytes, as it says. bale warned that it did not
    /// know it, as GNU tar does, and exited 2 for a valid archive (a probe
    /// helper). The name's bytes come out as GNU tar's.
    @Test func headerCharsetBinaryIsTakenSilently() throws {
        let run = try Scratch().run(#"""
            python3 -c '
            import tarfile, io
            with tarfile.open("p.tar", "w", format=tarfile.PAX_FORMAT, encoding="utf-8", errors="surrogateescape") as t:
                i = tarfile.TarInfo("caf\udce9.txt"); i.size = 3; t.addfile(i, io.BytesIO(b"abc"))'
            grep -c hdrcharset=BINARY p.tar
            mkdir gnu bale && tar -xf p.tar -C gnu 2> /dev/null
            "$BALE" unpack p.tar -C bale; echo "unpack $?"; "$BALE" list p.tar > /dev/null; echo "list $?"
            diff <(ls gnu | od -c) <(ls bale | od -c) && echo "same name"
            """#)
        #expect(run.stdout == "1\nunpack 0\nlist 0\nsame name\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == "", "\(run.stderr)")
    }

    /// A volume label as GNU tar writes it in each format: a 'V' header
    /// (gnu) or a global pax header holding GNU.volume.label (posix, which
    /// bale took as a setting and did not list): listed as `tar -tv` lists
    /// it, extracted as nothing, plain and gzipped. A posix label is listed
    /// as tar lists it: once, before the first pax entry, the last label
    /// read by then (two labels, one after an entry, an empty one, one
    /// with no entry or ustar entries only, one with global uname/mtime),
    /// and not at all when `--exclude` leaves no entry to list; it is no
    /// member, so `cat` of its name is "Not found in archive" (exit 2),
    /// where a gnu label is a member tar finds (it printed the label and
    /// found it, exit 0).
    @Test func volumeLabelsAreListedAsGNUTarListsThem() throws {
        let run = try Scratch().run(#"""
            mkdir d && echo a > d/f && echo b > d/g
            for format in gnu posix; do
                tar --format=$format -V "THE LABEL" -cf $format.tar -C d f g && gzip -k $format.tar
                for archive in $format.tar $format.tar.gz; do
                    tar -tvf $archive > want; "$BALE" list $archive > got && cmp want got && echo "$archive: list as tar -tv"
                done
                tar -tvf $format.tar --exclude "THE LABEL" > want; "$BALE" list $format.tar --exclude "THE LABEL" > got
                cmp -s want got && echo "$format: --exclude as tar -tv"
                tar -tvf $format.tar --exclude f --exclude g > want; "$BALE" list $format.tar --exclude f --exclude g > got
                cmp -s want got && echo "$format: all excluded as tar -tv ($(wc -l < got) lines)"
                tar -xOf $format.tar "THE LABEL" > /dev/null 2>&1; t=$?
                "$BALE" cat $format.tar "THE LABEL" > /dev/null 2>&1; echo "$format: cat of the label: tar $t, bale $?"
                rm -rf x && mkdir x && "$BALE" unpack -C x $format.tar.gz && echo "$format: unpacked $(ls x | tr '\n' ' ')"
                "$BALE" verify $format.tar.gz
            done
            python3 -c '
            import tarfile
            def g(records, mtime=1600000000):
                body = b""
                for k, v in records:
                    rec = (" %s=%s\n" % (k, v)).encode(); n = len(rec) + 1
                    while len(str(n)) + len(rec) != n: n = len(str(n)) + len(rec)
                    body += str(n).encode() + rec
                t = tarfile.TarInfo("././@PaxHeader"); t.type = b"g"; t.size = len(body); t.mtime = mtime
                return t.tobuf(tarfile.USTAR_FORMAT) + body + bytes(-len(body) % 512)
            def m(name, pax=True):
                t = tarfile.TarInfo(name); t.size = 2; t.mtime = 1700000000
                if pax: t.pax_headers = {"comment": "c"}
                return t.tobuf(tarfile.PAX_FORMAT) + b"x\n" + bytes(510)
            L = lambda label: g([("GNU.volume.label", label)])
            end = bytes(1024)
            for name, data in [("two", L("L1") + L("L2") + m("f")), ("after", L("L1") + m("f") + L("L2") + m("g")),
                               ("empty", L("") + m("f")), ("alone", L("L1")), ("ustar", L("L1") + m("f", False)),
                               ("owner", g([("GNU.volume.label", "L1"), ("uname", "bob"), ("mtime", "1500000000")]) + m("f")),
                               ("late", m("f") + L("L1") + m("g"))]:
                open(name + ".tar", "wb").write(data + end)'
            for t in two after empty alone ustar owner late; do
                tar -tvf $t.tar > want; "$BALE" list $t.tar > got && cmp -s want got && echo "$t: as tar -tv" || echo "$t: not as tar -tv"
            done
            """#)
        #expect(run.stdout == """
            gnu.tar: list as tar -tv
            gnu.tar.gz: list as tar -tv
            gnu: --exclude as tar -tv
            gnu: all excluded as tar -tv (1 lines)
            gnu: cat of the label: tar 0, bale 0
            gnu: unpacked f g \("")
            gnu.tar.gz: OK (3 entries)
            posix.tar: list as tar -tv
            posix.tar.gz: list as tar -tv
            posix: --exclude as tar -tv
            posix: all excluded as tar -tv (0 lines)
            posix: cat of the label: tar 2, bale 2
            posix: unpacked f g \("")
            posix.tar.gz: OK (3 entries)
            two: as tar -tv
            after: as tar -tv
            empty: as tar -tv
            alone: as tar -tv
            ustar: as tar -tv
            owner: as tar -tv
            late: as tar -tv

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A tar whose first header is damaged (its name, so its checksum; its
    /// size field no number, the checksum right) is read from the next
    /// header on, as GNU tar reads it ("This does not look like a tar
    /// archive", "Skipping to next header", exit 2): bale refused the whole
    /// archive ("not a valid tar archive at byte 0"), exit 1, and extracted
    /// and listed nothing (a probe helper). Told by ustar's magic: a gzip of
    /// text is still no tar, at once. GNU tar judges what is extracted.
    @Test(.enabled(if: Machine.has("tar"), "needs GNU tar"))
    func aDamagedFirstHeaderIsSkippedAsGNUTarSkipsIt() throws {
        let run = try Scratch().run(#"""
            python3 - <<'PY'
            import tarfile, io, gzip
            b = io.BytesIO()
            with tarfile.open(fileobj=b, mode='w', format=tarfile.USTAR_FORMAT) as t:
                for n in ('one', 'two', 'three'):
                    d = (n + '\n').encode() * 100; ti = tarfile.TarInfo(n); ti.size = len(d); t.addfile(ti, io.BytesIO(d))
            raw = b.getvalue()
            named = bytearray(raw); named[0:3] = b'XXX'
            sized = bytearray(raw); sized[124:136] = b'0000000x0005'; sized[148:156] = b' ' * 8
            sized[148:156] = b'%06o\0 ' % sum(sized[0:512])
            for name, data in (('named', named), ('sized', sized), ('text', b'hello world\n' * 100)):
                open(name + '.tar.gz', 'wb').write(gzip.compress(bytes(data), mtime=0))
            PY
            for c in named sized text; do
                mkdir $c.gnu $c.own; tar -xzf $c.tar.gz -C $c.gnu 2> /dev/null; gnu=$?
                "$BALE" unpack $c.tar.gz -C $c.own 2> err; echo "$c: gnu $gnu, bale $? [$(ls $c.own | tr '\n' ' ')] $(grep -c . err)"
                diff -r $c.gnu $c.own && echo "$c: as GNU tar"
                "$BALE" list $c.tar.gz > l 2> /dev/null; s=$?; awk '{print $NF}' l | tr '\n' ' '; echo "list $s"
                "$BALE" verify $c.tar.gz 2> /dev/null; echo "verify $?"
            done
            sed 's/^bale: //' err
            """#)
        #expect(run.stdout == """
            named: gnu 2, bale 1 [three two ] 1
            named: as GNU tar
            two three list 1
            verify 1
            sized: gnu 2, bale 1 [three two ] 1
            sized: as GNU tar
            two three list 1
            verify 1
            text: gnu 2, bale 1 [] 1
            text: as GNU tar
            list 1
            verify 1
            text.tar.gz: not a valid tar archive at byte 0 of the tar stream: bad tar header checksum

            """, "\(run.stdout)\(run.stderr)")
    }
}
