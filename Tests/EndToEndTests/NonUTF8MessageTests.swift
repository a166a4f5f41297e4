import Foundation
import Testing

/// Messages about files whose names are not UTF-8 name them by their
/// bytes (escaped as GNU tar escapes them: `caf\351`), not by U+FFFD,
/// which names no file: gzip, gunzip, gzip -r and -t alike.
@Suite struct NonUTF8MessageTests {
    @Test func messagesShowTheNamesBytes() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            echo a > $'caf\xe9'; echo b > $'caf\xe9.gz'
            "$BALE" gzip $'caf\xe9'; echo "exists: $?"
            "$BALE" gunzip $'nope\xff'; echo "missing: $?"
            printf 'not gzip' > $'bad\xfe.gz'; "$BALE" gzip -t $'bad\xfe.gz'; echo "test: $?"
            mkdir d && ln -s x $'d/l\xfd' && echo c > $'d/f\xfc' && ln $'d/f\xfc' d/second
            "$BALE" gzip -r d; echo "-r: $?"
            "$BALE" gzip -q -r --json d | grep -o '"path": "[^"]*"' | head -1
            """#)
        #expect(run.stdout == """
            exists: 2
            missing: 1
            test: 1
            -r: 2
            "path": "d/f\u{FFFD}"

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == #"""
            bale: caf\351.gz already exists;	not overwritten
            bale: nope\377.gz: No such file or directory
            bale: bad\376.gz: not in gzip format
            bale: d/f\374 has 1 other link -- file ignored
            bale: d/l\375 is a symbolic link -- ignored
            bale: d/second has 1 other link -- file ignored

            """#, "\(run.stderr)")
    }

    /// pack and unpack name entries by their bytes too, as GNU tar does: a
    /// path given that is missing, a hard link whose target is gone.
    @Test func archiveMessagesShowTheNamesBytes() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            "$BALE" pack -o x.tar.gz $'caf\xe9'; echo "pack: $?"
            mkdir d && touch $'d/f\xe9' && ln $'d/f\xe9' $'d/g\xe8' && tar -cf l.tar -C d .
            tar --delete -f l.tar $'./f\xe9' && gzip l.tar && mkdir o
            "$BALE" unpack l.tar.gz -C o; echo "unpack: $?"
            """#)
        #expect(run.stdout == """
            pack: 1
            unpack: 1

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains(#"bale: caf\351: Cannot stat: No such file or directory"#), "\(run.stderr)")
        #expect(run.stderr.contains(#"bale: ./g\350: cannot link to ./f\351: "#), "\(run.stderr)")
    }

    /// A name inside a message about an archive's entry is escaped once
    /// (`caf\351`), not again by the line that prints it (`caf\\351`).
    @Test func anEntrysNameIsEscapedOnce() throws {
        let run = try Scratch().run(#"""
            touch $'caf\xe9' && tar --format=gnu -cf x.tar $'caf\xe9'
            python3 - <<'EOF'
            d = bytearray(open('x.tar', 'rb').read())
            d[108:116] = b'zzzzzzz\0'
            d[148:156] = b' ' * 8
            d[148:156] = ('%06o\0 ' % sum(d[0:512])).encode()
            open('x.tar', 'wb').write(d)
            EOF
            "$BALE" list x.tar > /dev/null; echo "status $?"
            """#)
        #expect(run.stdout == "status 2\n", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == #"""
            bale: x.tar: caf\351: the header's uid field holds ‘zzzzzzz’, not a number; -1 used

            """#, "\(run.stderr)")
    }

    /// Names that are not UTF-8 reach the file system as their bytes in
    /// every place an archive command takes one, as GNU tar: pack's default
    /// archive name (`d\351r.tar.gz`, not U+FFFD's bytes) and `-o`, the
    /// archive given to unpack, cat, list and verify, and the members
    /// named for unpack and cat.
    @Test func archiveCommandsTakeNamesAsBytes() throws {
        let run = try Scratch().run(#"""
            mkdir $'d\xe9r' && echo x > $'d\xe9r/caf\xe9'
            "$BALE" pack $'d\xe9r' && [ -f $'d\xe9r.tar.gz' ] && echo "default name"
            "$BALE" pack -o $'o\xe8.tgz' $'d\xe9r' && [ -f $'o\xe8.tgz' ] && echo "-o"
            mkdir out && "$BALE" unpack $'o\xe8.tgz' -C out $'d\xe9r/caf\xe9' && cmp out/$'d\xe9r/caf\xe9' $'d\xe9r/caf\xe9' && echo "unpack named"
            "$BALE" cat $'o\xe8.tgz' $'d\xe9r/caf\xe9'
            "$BALE" list $'o\xe8.tgz' | grep -c 'caf'
            "$BALE" verify $'o\xe8.tgz'
            "$BALE" cat $'o\xe8.tgz' $'d\xe9r/nope\xe9'; echo "absent: $?"
            """#)
        #expect(run.stdout == #"""
            default name
            -o
            unpack named
            x
            1
            o\350.tgz: OK (2 entries)
            absent: 2

            """#, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == #"""
            bale: d\351r/nope\351: Not found in archive

            """#, "\(run.stderr)")
    }

    /// The names options take are bytes too: `-C` (pack, unpack),
    /// `--manifest` (pack, gzip -r), `-T`/`--files-from`, `--out-dir`,
    /// `--json-file`, also joined to the option (`--out-dir=NAME`, `-C=NAME`);
    /// a FIFO named so is refused as `pack --remove-files`' archive (it hung).
    /// Before, each was decoded with U+FFFD: unpack made and filled
    /// another directory, pack's -C and -T found none, outputs were
    /// written under other names.
    @Test func optionsTakeNamesAsBytes() throws {
        let run = try Scratch().run(#"""
            mkdir $'s\xe9' && echo x > $'s\xe9/f'
            "$BALE" pack -C $'s\xe9' -o a.tgz f --manifest $'m\xe9' && echo "pack -C, --manifest: $(cat $'m\xe9' | cut -c67-)"
            "$BALE" unpack a.tgz -C $'t\xe9' && cmp $'t\xe9/f' $'s\xe9/f' && echo "unpack -C"
            "$BALE" unpack a.tgz -C=$'u\xe9' && cmp $'u\xe9/f' $'s\xe9/f' && echo "unpack -C=NAME"
            cp -r $'s\xe9' r && "$BALE" gzip -r r --manifest $'g\xe9' && echo "gzip -r --manifest: $(cut -c67- $'g\xe9')"
            "$BALE" sum $'s\xe9/f' > $'c\xe9' && "$BALE" sum -c $'c\xe9' | cat -v
            mkfifo $'p\xe9' && timeout 10 "$BALE" pack --remove-files -o $'p\xe9' $'c\xe9' 2> /dev/null; echo "pack --remove-files into a FIFO: $?"; rm $'p\xe9'
            echo $'s\xe9/f' > $'l\xe9' && "$BALE" pack -T $'l\xe9' -o b.tgz --json-file $'j\xe9' && echo "pack -T, --json-file"
            "$BALE" gzip -r -k --files-from $'l\xe9' --out-dir=$'o\xe9' && [ -f $'o\xe9/s\xe9/f.gz' ] && echo "gzip --files-from, --out-dir="
            ls | LC_ALL=C sort | cat -v | tr '\n' ' '; echo
            """#)
        #expect(run.stdout == #"""
            pack -C, --manifest: f
            unpack -C
            unpack -C=NAME
            gzip -r --manifest: r/f
            sM-i/f: OK
            pack --remove-files into a FIFO: 1
            pack -T, --json-file
            gzip --files-from, --out-dir=
            a.tgz b.tgz cM-i gM-i jM-i lM-i mM-i oM-i r sM-i tM-i uM-i 

            """#, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }

    /// Names that decode alike (`o\xe8`, `o\xe9`: both `o\u{FFFD}` to Swift)
    /// stay apart in option values and patterns too: the command line is
    /// decoded without loss once (`RawArguments.commandLine`). Before, the
    /// `--out-dir` was taken for the path (the outputs went inside the
    /// source tree), `--exclude $'x\xe8'` left out `x\xe9` as well, and `-S`
    /// wrote its suffix with U+FFFD.
    @Test func namesThatDecodeAlikeStayApartInOptions() throws {
        let run = try Scratch().run(#"""
            mkdir $'o\xe9' && echo z > $'o\xe9/z'
            "$BALE" gzip -r -k --out-dir=$'o\xe8' $'o\xe9' && [ -f $'o\xe8/o\xe9/z.gz' ] && [ ! -e $'o\xe9/z.gz' ] && echo "out-dir apart"
            mkdir t && echo 1 > t/$'x\xe9' && echo 2 > t/$'x\xe8'
            "$BALE" pack --exclude $'x\xe8' -o a.tgz t && tar -tzf a.tgz | LC_ALL=C sort | tr '\n' ' '; echo
            cp -r t g && "$BALE" gzip -r --exclude $'x\xe9' g && ls g | LC_ALL=C sort | cat -v | tr '\n' ' '; echo
            echo hi > sf && "$BALE" gzip -k -S $'.z\xe9' sf && [ -f $'sf.z\xe9' ] && rm sf && "$BALE" gunzip -S $'.z\xe9' $'sf.z\xe9' && cat sf
            """#)
        #expect(run.stdout == #"""
            out-dir apart
            t/ t/x\351 
            xM-h.gz xM-i 
            hi

            """#, "\(run.stdout)\(run.stderr)")
    }
}
