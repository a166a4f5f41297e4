import Foundation
import Testing

/// A tar compressed with something other than gzip (xz, bzip2, zstd, lz4),
/// given to `unpack`, `list`, `cat` or `verify`, as a file or on standard
/// input, is refused with its cause named (`ForeignCompression`): the
/// format and the command that decompresses it, exit 1, nothing written
/// (not even `-C DIR`). bsdtar makes the archives (its own libraries, no
/// other tool needed). Before, such an archive was read as a plain tar:
/// "truncated: unexpected end of file" for a small one, "bad tar header
/// checksum" for a larger one, neither naming the cause.
@Suite struct ForeignCompressionTests {
    @Test func compressedTarsAreRefusedByName() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            mkdir -p d/sub && echo one > d/a && seq 1 20000 > d/sub/b
            bsdtar -cJf a.tar.xz d && bsdtar -cjf a.tar.bz2 d && bsdtar --zstd -cf a.tar.zst d && bsdtar --lz4 -cf a.tar.lz4 d
            # A small one too: less than a tar block of xz.
            bsdtar -cJf small.tar.xz d/a
            for spec in "a.tar.xz xz" "a.tar.bz2 bzip2" "a.tar.zst zstd" "a.tar.lz4 lz4" "small.tar.xz xz"; do
                set -- $spec; a=$1; tool=$2
                want="bale: $a: compressed with $tool, which bale does not read (only gzip and plain tar): decompress it first ($tool -dc)"
                "$BALE" unpack $a -C out 2> err; s=$?
                [ $s = 1 ] && [ "$(cat err)" = "$want" ] && [ ! -e out ] || echo "unpack $a: $s $(cat err)"
                "$BALE" list $a > listed 2> err; s=$?
                [ $s = 1 ] && [ "$(cat err)" = "$want" ] && [ ! -s listed ] || echo "list $a: $s $(cat err)"
                "$BALE" cat $a d/a > content 2> err; s=$?
                [ $s = 1 ] && [ "$(cat err)" = "$want" ] && [ ! -s content ] || echo "cat $a: $s $(cat err)"
                "$BALE" verify - < $a > verdict 2> err; s=$?
                [ $s = 1 ] && [ "$(cat err)" = "${want/$a/stdin}" ] && [ ! -s verdict ] || echo "verify - < $a: $s $(cat err)"
                "$BALE" unpack - -C out < $a 2> err; s=$?
                [ $s = 1 ] && [ "$(cat err)" = "${want/$a/stdin}" ] && [ ! -e out ] || echo "unpack - < $a: $s $(cat err)"
            done
            # What the tool names really reads it: the hint is right.
            xz -dc a.tar.xz | "$BALE" list - | grep -c '^' ; echo "status ${PIPESTATUS[1]}"
            """)
        #expect(run.stdout == "4\nstatus 0\n", "\(run.stdout)\n\(run.stderr)")
    }

    /// A plain tar whose first entry's name starts like a bzip2 stream
    /// ("BZh9") is a tar: the magic is taken only with the block magic after it.
    @Test func aTarThatStartsLikeBzip2IsATar() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            echo x > BZh91AY && echo y > LZIP && tar -cf a.tar BZh91AY LZIP
            "$BALE" list a.tar | awk '{print $NF}'; echo "status ${PIPESTATUS[0]}"
            """)
        #expect(run.stdout == "BZh91AY\nLZIP\nstatus 0\n", "\(run.stdout)\n\(run.stderr)")
    }

    /// A plain tar whose first name is a whole magic (bzip2's ten bytes
    /// "BZh91AY&SY"; xz's six, "\xfd7zXZ" and the NUL that ends the name;
    /// lz4's four; zstd's holds a '/'; gzip's two, read as gzip) was refused as compressed: its first block is a tar
    /// header, so it is a tar, from a file and from a pipe; a real .tar.xz
    /// and .tar.zst are still refused by name.
    @Test func aTarWhoseFirstNameIsAWholeMagicIsATar() throws {
        let run = try Scratch().run(#"""
            for name in 'BZh91AY&SY' "$(printf '\375''7zXZ')" "$(printf '\004"M\030')" "$(printf '\037\213\010file')"; do
                rm -rf s o && mkdir s o && echo x > "s/$name" && (cd s && tar -cf ../a.tar "$name")
                "$BALE" list a.tar > /dev/null; file=$?
                "$BALE" list - < a.tar > /dev/null; pipe=$?
                "$BALE" unpack -C o a.tar && cmp "o/$name" "s/$name" && echo "list $file $pipe, unpacked"
            done
            xz -c a.tar > a.tar.xz && "$BALE" list a.tar.xz 2>&1 | grep -c 'compressed with xz'
            bsdtar --zstd -cf a.tar.zst -C s . && "$BALE" list a.tar.zst 2>&1 | grep -c 'compressed with zstd'
            """#)
        #expect(run.stdout == """
            list 0 0, unpacked
            list 0 0, unpacked
            list 0 0, unpacked
            list 0 0, unpacked
            1
            1

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A .tar.gz whose first 512 bytes happen to sum, as signed bytes, to
    /// -1 (about one gzip file in 4,000: a CI run met one that `pack` had
    /// just made) was read as a plain tar: its checksum field, no number,
    /// was read as -1 and matched. Here the first block made to sum so by
    /// its gzip header's time (bytes 4-7), for GNU tar's and gzip's
    /// archive and for bale's own: both are gzip to every command, from a
    /// file and from a pipe.
    @Test func aGzipWhoseFirstBlockSumsLikeAHeaderIsGzip() throws {
        let run = try Scratch().run(#"""
            sumlikeheader() { python3 - "$1" <<'EOF'
            import sys
            name = sys.argv[1]
            d = bytearray(open(name, 'rb').read())
            if len(d) < 512 or d[148] in b'01234567 \0':
                sys.exit(1)
            d[4:8] = bytes(4)
            missing = -1 - sum(32 if 148 <= i < 156 else (b - 256 if b > 127 else b) for i, b in enumerate(d[:512]))
            for i in range(4, 8):
                moved = max(-128, min(127, missing))
                d[i] = moved & 0xFF
                missing -= moved
            if missing:
                sys.exit(1)
            open(name, 'wb').write(d)
            EOF
            }
            for maker in gnu bale; do
              tries=0
              while :; do
                tries=$((tries + 1)); [ $tries -le 300 ] || { echo "$maker: no archive made to sum so"; exit 1; }
                rm -rf s a.tar.gz && mkdir s && head -c 3000 /dev/urandom > s/f
                if [ $maker = gnu ]; then tar -cf - s | gzip -n > a.tar.gz; else "$BALE" pack s -o a.tar.gz || exit 1; fi
                sumlikeheader a.tar.gz && break
              done
              gzip -t a.tar.gz && tar -tzf a.tar.gz > expected || exit 1
              "$BALE" list a.tar.gz | awk '{ print $NF }' > file
              "$BALE" list - < a.tar.gz | awk '{ print $NF }' > pipe
              "$BALE" verify a.tar.gz > /dev/null; verify=$?
              rm -rf o && mkdir o && "$BALE" unpack a.tar.gz -C o; unpack=$?
              cmp -s expected file && cmp -s expected pipe && cmp -s o/s/f s/f && echo "$maker: verify $verify unpack $unpack"
            done
            """#)
        #expect(run.stdout == """
            gnu: verify 0 unpack 0
            bale: verify 0 unpack 0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A cpio archive (bsdtar's three cpio formats) is named as one, exit
    /// 1, nothing made (not even -C's directory); it was "not a valid tar
    /// archive at byte 0 ... bad tar header checksum" (a reading helper). A
    /// tar whose first name begins as cpio's magic is still a tar. In gzip
    /// too (an initramfs, `cpio -o | gzip`), once inflated: it was "bad tar
    /// header checksum" (a probe helper).
    @Test func aCpioArchiveIsNamedAsOne() throws {
        let run = try Scratch().run(#"""
            mkdir d && echo hi > d/a
            for format in cpio newc odc; do
                bsdtar --format $format -cf x.$format d
                "$BALE" unpack x.$format -C new 2> err; echo "$format: $? $(grep -c 'a cpio archive' err)"
                gzip -c x.$format > x.$format.tgz
                "$BALE" list x.$format.tgz 2> err; echo "$format in gzip: $? $(grep -c 'a cpio archive' err)"
            done
            [ -e new ] || echo "nothing made"
            mkdir t && echo x > t/070707123456 && (cd t && tar -cf ../t.tar 070707123456) && "$BALE" list t.tar | awk '{print $NF}'
            """#)
        #expect(run.stdout == """
            cpio: 1 1
            cpio in gzip: 1 1
            newc: 1 1
            newc in gzip: 1 1
            odc: 1 1
            odc in gzip: 1 1
            nothing made
            070707123456

            """, "\(run.stdout)\(run.stderr)")
    }
}
