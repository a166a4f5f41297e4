import Foundation
import Testing

/// Names are data: an archive's entry names and the names of files on
/// disk reach bale's human-facing lines (warnings, errors, `-v` lines,
/// `list`) escaped as GNU tar escapes them, never as raw control bytes
/// that would retitle or clear the terminal or forge lines; and `bale sum
/// -c` prints what `sha256sum -c` prints for the same manifest, byte for
/// byte, whatever the names hold. The judges are GNU tar (its listing of
/// the same archive) and coreutils' sha256sum.
@Suite struct NameEscapingTests {
    /// Exits 0 when the file named has no control byte but tab and newline.
    static let clean = #"""
        clean() { python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(any(b < 32 and b not in (9, 10) or b == 127 for b in d))' "$1"; }
        """#

    /// Hostile names in an archive (made by python's tarfile): ESC
    /// sequences (OSC retitling the terminal, CSI clearing it), a newline
    /// forging a "bale:" line, a carriage return, a backslash, bytes that
    /// are not UTF-8, a C1 control, a link target with ESC, and a `..`
    /// entry bale refuses (named in its error).
    static let makeArchive = #"""
        python3 - <<'EOF'
        import io, tarfile
        names = [b'osc\x1b]0;pwned\x07', b'csi\x1b[2J\x1b[H', b'nl\nbale: all files extracted, OK', b'cr\rover',
                 b'back\\slash', b'latin\xe9\xff', b'c1\xc2\x9bm', b'plain']
        t = tarfile.open('h.tar', 'w', format=tarfile.GNU_FORMAT, encoding='utf-8', errors='surrogateescape')
        for n in names:
            info = tarfile.TarInfo(n.decode('utf-8', 'surrogateescape')); info.size = 1
            t.addfile(info, io.BytesIO(b'x'))
        link = tarfile.TarInfo('link'); link.type = tarfile.SYMTYPE; link.linkname = 'to\x1b[31mred'
        t.addfile(link)
        bad = tarfile.TarInfo('../up\x1b[2J'); bad.size = 1
        t.addfile(bad, io.BytesIO(b'x'))
        t.close()
        EOF
        gzip -k h.tar
        """#

    @Test func unpackAndListShowNamesAsGnuTarDoes() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.clean + "\n" + Self.makeArchive + "\n" + #"""
            "$BALE" unpack -v h.tar.gz -C out > verbose 2> err; echo "status=$?"
            clean verbose && clean err && echo "unpack -v and its errors: no control bytes"
            tar -tf h.tar 2>/dev/null | grep -v '^\.\./' > names
            cmp verbose names && echo "unpack -v names = tar -tf names"
            grep -qF "bale: ../up\033[2J: " err && echo "the refused entry named, escaped"
            grep -c '^bale: ' err
            "$BALE" list h.tar.gz > list; echo "list status=$?"
            clean list && echo "list: no control bytes"
            tar -tvf h.tar 2>/dev/null | sed -E 's/^([^ ]+ +){5}//' > tar-names
            sed -E 's/^([^ ]+ +){5}//' list | cmp - tar-names && echo "list names = tar -tv names"
            """#)
        #expect(run.stdout == """
            status=1
            unpack -v and its errors: no control bytes
            unpack -v names = tar -tf names
            the refused entry named, escaped
            1
            list status=0
            list: no control bytes
            list names = tar -tv names

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A tab in a name is `\t` in every line for people, as GNU tar shows
    /// it, while the tabs of bale's own layout stay (gzip's `NAME:<TAB>
    /// 50.0%`, `already exists;<TAB>not overwritten`). bale printed a
    /// name's tab raw in its warnings, errors and `-v` lines (and `\t` in
    /// `list`): every line was escaped whole, keeping tabs for the layout's
    /// sake. The judge is GNU tar's wording of the same warning and error.
    @Test func aNamesTabIsEscapedAsTarEscapesIt() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            export LC_ALL=C.UTF-8
            mkdir v; python3 -c "import socket; socket.socket(socket.AF_UNIX).bind('v/so\tck')"
            "$BALE" pack v -o /dev/null 2> bale.err; tar -czf /dev/null v 2> tar.err
            cmp -s bale.err <(sed 's/^tar:/bale:/' tar.err) && echo "pack's warning as tar's: $(cat bale.err)"
            "$BALE" pack "$(printf 'no\tx')" -o /dev/null 2> bale.err; tar -czf /dev/null "$(printf 'no\tx')" 2> tar.err
            head -1 bale.err > bale.first; head -1 tar.err | sed 's/^tar:/bale:/' | cmp -s bale.first - && echo "a missing name as tar's: $(cat bale.first)"
            printf 'hello\n' > "$(printf 't\tx')"
            "$BALE" gzip -k -v "$(printf 't\tx')" 2>&1 | sed 's/\t/<TAB>/g'
            "$BALE" gzip -k "$(printf 't\tx')" 2>&1 | sed 's/\t/<TAB>/g'
            "$BALE" gzip -t -v "$(printf 't\tx.gz')" 2>&1 | sed 's/\t/<TAB>/g'
            """#)
        #expect(run.stdout == #"""
            pack's warning as tar's: bale: v/so\tck: socket ignored
            a missing name as tar's: bale: no\tx: Cannot stat: No such file or directory
            t\tx:<TAB>-1750.0% -- created t\tx.gz
            bale: t\tx.gz already exists;<TAB>not overwritten
            t\tx.gz:<TAB> OK

            """#, "\(run.stdout)\(run.stderr)")
    }

    /// Which characters are printable is the C library's word in the
    /// user's locale, as it is tar's: an unassigned code point (U+0378), a
    /// noncharacter (U+FFFE) are escaped byte by byte; assigned ones
    /// (private use, format characters, emoji, CJK) are shown as they are.
    /// bale showed every valid UTF-8 character but the C1 controls and
    /// U+2028/U+2029 as it was.
    @Test func printableCharactersAreTheLocalesAsTarsAre() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            export LC_ALL=C.UTF-8
            mkdir u; python3 -c "
            for cp in [0x378, 0xE000, 0xFFFE, 0x200B, 0xAD, 0x1F600, 0x10FFFD, 0xE0001, 0x2028, 0x85, 0x3000, 0xFEFF]:
                open('u/n%04X_' % cp + chr(cp), 'w').close()"
            tar -cf u.tar u; "$BALE" pack -q u -o u.tgz
            tar -tvf u.tar | sed -E 's/^([^ ]+ +){5}//' | sort > tar.list
            "$BALE" list u.tgz | sed -E 's/^([^ ]+ +){5}//' | sort > bale.list
            cmp -s tar.list bale.list && echo "list as tar -tv" || diff tar.list bale.list
            grep -F 'n0378_' bale.list
            mkdir out
            "$BALE" unpack -v u.tgz -C out | sort > bale.v; tar -tf u.tar | sort | cmp -s - bale.v && echo "unpack -v as tar -t"
            """#)
        #expect(run.stdout == #"""
            list as tar -tv
            u/n0378_\315\270
            unpack -v as tar -t

            """#, "\(run.stdout)\(run.stderr)")
    }

    /// Printable characters beyond ASCII are printable only in a UTF-8
    /// locale: in C or POSIX (cron, a batch system without LANG) GNU tar
    /// writes their bytes in octal, and so does bale, in `list`, `unpack
    /// -v` and its messages; the locale is LC_ALL, else LC_CTYPE, else LANG.
    @Test func namesFollowTheLocaleAsGnuTar() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir t; touch "t/café" "t/日本" "t/$(printf 'x\xe9y')"
            tar -cf a.tar t; "$BALE" pack -q t -o a.tgz
            for env in "LC_ALL=C" "LC_ALL=POSIX" "LC_ALL=C.UTF-8" "LC_ALL= LANG=C.UTF-8 LC_CTYPE=C" "LC_ALL= LC_CTYPE= LANG=C.UTF-8"; do
                env $env tar -tvf a.tar | sed -E 's/^([^ ]+ +){5}//' | sort > tar.list
                env $env "$BALE" list a.tgz | sed -E 's/^([^ ]+ +){5}//' | sort > bale.list
                cmp -s tar.list bale.list && echo "$env: list as tar -tv" || { echo "$env: differs"; diff tar.list bale.list; }
            done
            LC_ALL=C "$BALE" list a.tgz | grep -cF 'caf\303\251'
            python3 -c 'import tarfile; t = tarfile.open("z.tar", "w", format=tarfile.GNU_FORMAT); i = tarfile.TarInfo("odd"); i.type = b"Z"; t.addfile(i); t.close()'
            gzip -k z.tar
            for l in C C.UTF-8; do LC_ALL=$l tar -tvf z.tar | cmp -s - <(LC_ALL=$l "$BALE" list z.tar.gz) && echo "$l: an unknown type quoted as tar"; done
            LC_ALL=C.UTF-8 "$BALE" list a.tgz | grep -c 'café'
            LC_ALL=C "$BALE" gzip "t/café" "t/日本" 2>&1 >/dev/null; rm -f t/*.gz
            python3 -c '
            import tarfile, io
            t = tarfile.open("q.tar", "w", format=tarfile.USTAR_FORMAT); i = tarfile.TarInfo("q"); i.size = 1; t.addfile(i, io.BytesIO(b"x")); t.close()
            b = bytearray(open("q.tar", "rb").read()); b[108:116] = b"zzzzzzz\0"; b[148:156] = b"        "
            b[148:156] = b"%06o\0 " % sum(b[0:512]); open("q.tar", "wb").write(bytes(b))'
            gzip -k q.tar
            for l in C C.UTF-8; do LC_ALL=$l "$BALE" list q.tar.gz 2>&1 >/dev/null | grep -o "holds .zzzzzzz., not a number"; done
            # With an apostrophe, gnulib quotes in two passes: '''it'\''s '$'\303\251' in C.
            for n in "café" "a b é" "日本:x" "it's é" "é'x é" "x'é" "'é" "é'" "a'b"; do
                printf '%064d  %s\n' 0 "$n" > m
                for l in C C.UTF-8; do
                    LC_ALL=$l sha256sum -c m 2>&1 | sed 's/^sha256sum/P/' > want
                    LC_ALL=$l "$BALE" sum -c m 2>&1 | sed 's/^bale/P/' | cmp -s - want || echo "sum -c of $n in $l: not as sha256sum"
                done
            done
            chmod 000 t/日本; LC_ALL=C setpriv --reuid=65534 --regid=65534 --clear-groups "$BALE" sum t/日本 2>&1 | sed 's/: [^:]*$//'
            """#)
        #expect(run.stdout == #"""
            LC_ALL=C: list as tar -tv
            LC_ALL=POSIX: list as tar -tv
            LC_ALL=C.UTF-8: list as tar -tv
            LC_ALL= LANG=C.UTF-8 LC_CTYPE=C: list as tar -tv
            LC_ALL= LC_CTYPE= LANG=C.UTF-8: list as tar -tv
            1
            C: an unknown type quoted as tar
            C.UTF-8: an unknown type quoted as tar
            1
            holds 'zzzzzzz', not a number
            holds ‘zzzzzzz’, not a number
            bale: t/\346\227\245\346\234\254

            """#, "\(run.stdout)\(run.stderr)")
    }

    /// Files on disk with such names, through gzip -v, gzip -r -v, pack -v
    /// and a notice (a name that already has the suffix: named, exit 0, as
    /// GNU gzip 1.12).
    @Test func gzipAndPackLinesAreEscaped() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.clean + "\n" + #"""
            mkdir t && cd t
            python3 -c '
            for n in [b"osc\x1b]0;pwned\x07", b"nl\nbale: forged", b"cr\rover", b"back\\slash"]:
                open(n, "wb").write(b"hello " * 100)
            open(b"csi\x1b[2J.gz", "wb").write(b"x")
            '
            "$BALE" gzip -v -k -- * 2> ../gzip.err; echo "gzip status=$?"
            "$BALE" gzip -r -v -k --out-dir ../o . 2> ../recursive.err; echo "gzip -r status=$?"
            "$BALE" pack -v . -o ../p.tgz 2> ../pack.err; echo "pack status=$?"
            cd ..
            for f in gzip.err recursive.err pack.err; do clean $f && echo "$f: no control bytes"; done
            grep -qF 'osc\033]0;pwned\a:' gzip.err && grep -qF 'nl\nbale: forged:' gzip.err && grep -qF 'back\\slash:' gzip.err \
                && grep -qF 'cr\rover:' gzip.err && echo "gzip -v: names escaped"
            grep -qF 'bale: csi\033[2J.gz already has .gz suffix' gzip.err && echo "warning: name escaped"
            [ "$(wc -l < gzip.err)" = 5 ] && echo "one line per file"
            grep -qxF './nl\nbale: forged' pack.err && echo "pack -v: names escaped"
            """#)
        #expect(run.stdout == """
            gzip status=0
            gzip -r status=0
            pack status=0
            gzip.err: no control bytes
            recursive.err: no control bytes
            pack.err: no control bytes
            gzip -v: names escaped
            warning: name escaped
            one line per file
            pack -v: names escaped

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Files whose names hold a newline, a carriage return, a backslash,
    /// ESC, bytes that are not UTF-8, leading and trailing blanks; one is
    /// changed after the manifest is made and one is removed (a plain
    /// name, so that sha256sum's own quoting of odd names in its error
    /// line does not come in). `sha256sum -c` and `bale sum -c` must print
    /// the same bytes and end with the same status, on the manifest
    /// written by either, with and without --quiet.
    static let makeTree = #"""
        mkdir t && cd t
        python3 -c '
        names = [b"plain", b"nl\nx", b"cr\rx", b"both\r\nx", b"back\\slash", b"bs\\and\nnl", b"esc\x1b[2Jx",
                 b"latin\xe9\xff", b" lead", b"trail ", b"*star", b"gone", b"changed\nname"]
        for n in names:
            open(n, "wb").write(n * 7)
        '
        cd ..
        """#

    @Test func sumCheckPrintsWhatSha256sumPrints() throws {
        let scratch = Scratch()
        let run = try scratch.run(Self.makeTree + "\n" + #"""
            cd t
            sha256sum -- * > ../by-sha256sum
            "$BALE" sum -- * > ../by-bale
            cmp ../by-sha256sum ../by-bale && echo "bale sum writes sha256sum's lines, escapes and all"
            "$BALE" sum . | sed -E 's|^(\\?[0-9a-f]{64}  )\./|\1|' | LC_ALL=C sort > ../walked
            LC_ALL=C sort ../by-sha256sum | cmp - ../walked && echo "a walk gives the same lines"
            printf more >> "$(printf 'changed\nname')"; rm gone
            for manifest in by-sha256sum by-bale; do
                for quiet in "" --quiet; do
                    sha256sum -c $quiet ../$manifest > ../s.out 2> ../s.err; s=$?
                    "$BALE" sum -c ../$manifest $quiet > ../b.out 2> ../b.err; b=$?
                    sed 's/^sha256sum: /bale: /' ../s.err > ../s.err2
                    cmp -s ../s.out ../b.out && [ $s = $b ] && cmp -s ../s.err2 ../b.err \
                        && echo "$manifest $quiet: same output, status $b" \
                        || { echo "$manifest $quiet: differs ($s, $b)"; diff ../s.out ../b.out | cat -A >&2; diff ../s.err2 ../b.err >&2; }
                done
            done
            grep -c FAILED ../b.out
            """#)
        #expect(run.stdout == """
            bale sum writes sha256sum's lines, escapes and all
            a walk gives the same lines
            by-sha256sum : same output, status 1
            by-sha256sum --quiet: same output, status 1
            by-bale : same output, status 1
            by-bale --quiet: same output, status 1
            2

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Manifests that are empty, hold no well-formed line, or mix
    /// malformed lines, comments, CRLF line ends, the BSD form and
    /// upper-case digits with good ones: the same output, warnings and
    /// status as sha256sum -c.
    @Test(arguments: [
        ("empty", #"printf ''"#),
        ("blank lines", #"printf '\n\n'"#),
        ("comments only", #"printf '# nothing\n'"#),
        ("garbage", #"printf 'not a checksum line\n'"#),
        ("bad escape", #"printf '\\%s  a\\tb\n' "$H""#),
        ("mixed", #"printf '%s  a\n# note\n\nbad line\n%s *a\r\nSHA256 (a) = %s\n%s  a\nbad again\n' "$H" "$HU" "$H" "$Z""#),
        ("reversed", #"printf '%s a\n' "$H""#),
        ("reversed then usual", #"printf '%s a\n%s  a\n' "$H" "$H""#),
        ("missing", #"printf '%s  nothere\n%s  a\n' "$H" "$H""#),
        ("missing odd names", #"printf '%s  my file\n%s  x:y\n\\%s  new\\nline\n%s  a\n' "$H" "$H" "$H" "$H""#),
    ])
    func oddManifestsAsSha256sum(name: String, manifest: String) throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            printf 'content' > a
            H=$(sha256sum a | cut -c1-64); HU=$(echo "$H" | tr a-f A-F); Z=$(printf '0%.0s' $(seq 64))
            \#(manifest) > m
            sha256sum -c m > s.out 2> s.err; s=$?
            "$BALE" sum -c m > b.out 2> b.err; b=$?
            sed -i 's/^sha256sum: /bale: /' s.err
            cmp s.out b.out && cmp s.err b.err && [ $s = $b ] && echo "same, status $b" || { echo "differ: $s $b"; cat s.err b.err; }
            sha256sum -c - < m > s.out 2> /dev/null; s=$?
            "$BALE" sum -c - < m > b.out 2> /dev/null; b=$?
            cmp s.out b.out && [ $s = $b ] && echo "same from standard input"
            """#)
        #expect(run.stdout.hasPrefix("same, status "), "\(name): \(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasSuffix("same from standard input\n"), "\(name): \(run.stdout)\(run.stderr)")
    }
}
