// `pack -T LIST` and `gzip -r --files-from LIST`: a list's lines read as
// GNU tar reads `-T`, held to GNU tar.
import Testing

@Suite struct FileListQuotingTests {
    /// A line's C escapes are undone, as GNU tar 1.34 undoes them (its
    /// default `--unquote`): `t/nl\nname` names the file with a newline,
    /// `t/tab\tx` the one with a tab, `t/back\slash` (no escape) itself.
    /// bale took each line literally ("Cannot stat", exit 1, no archive)
    /// where tar stored the files (a reading helper). With `--null` a name
    /// is taken as it is, by both.
    @Test func aListsEscapesAreUndoneAsTarUndoesThem() throws {
        let run = try Scratch().run(#"""
            mkdir t && echo 1 > t/$'nl\nname' && echo 2 > t/$'tab\tx' && echo 3 > 't/back\slash' && echo 4 > 't/lit\tx'
            printf 't/nl\\nname\nt/tab\\tx\nt/back\\slash\n' > lines
            tar -cf gnu.tar -T lines; echo "tar: $?"
            "$BALE" pack -q -T lines -o bale.tgz; echo "pack: $?"
            [ "$(tar -tf gnu.tar)" = "$(tar -tzf bale.tgz)" ] && echo "the same names as tar's"
            tar -tzf bale.tgz | wc -l
            printf 't/lit\\tx\0' > nul
            tar -cf gnu0.tar --null -T nul && "$BALE" pack -q --null -T nul -o bale0.tgz && [ "$(tar -tf gnu0.tar)" = "$(tar -tzf bale0.tgz)" ] \
                && echo "--null: as it is, as tar's"
            "$BALE" gzip -r -k --files-from lines --out-dir o; echo "gzip -r: $?"; find o -type f -printf . | wc -c
            [ -f o/t/$'nl\nname.gz' ] && [ -f o/t/$'tab\tx.gz' ] && [ -f 'o/t/back\slash.gz' ] && echo "the files the lines name"
            """#)
        #expect(run.stdout == """
            tar: 0
            pack: 0
            the same names as tar's
            3
            --null: as it is, as tar's
            gzip -r: 0
            3
            the files the lines name

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A list read as lines that holds a NUL (`find -print0 | bale pack -T
    /// -`, `--null` forgotten) is read from that NUL on as with `--null`,
    /// as GNU tar reads it, and said in GNU tar's words: read as one line,
    /// it named the first file alone, stored under a name holding all the
    /// others, exit 0 (a probe helper).
    @Test func aNulInALineListSwitchesToNulAsInTar() throws {
        let run = try Scratch().run(#"""
            mkdir t && for f in a b 'c d'; do echo "$f" > "t/$f"; done
            printf 't/a\nt/b\0t/c d\0' > list
            "$BALE" pack -T list -o bale.tgz 2> err; echo "pack: $?"; cat err
            tar -tzf bale.tgz
            tar -cf gnu.tar -T list 2> tar.err; tar -tf gnu.tar | cmp - <(tar -tzf bale.tgz) && echo "as tar's"
            sed 's/^tar: //' tar.err | cmp - <(sed 's/^bale: //' err) && echo "said as tar says it"
            find t -type f -print0 | "$BALE" gzip -r -k --files-from - 2> /dev/null; echo "gzip -r: $?"; ls t | grep -c '[.]gz$'
            """#)
        #expect(run.stdout == """
            pack: 0
            bale: list: file name read contains nul character
            t/a
            t/b
            t/c d
            as tar's
            said as tar says it
            gzip -r: 0
            3

            """, "\(run.stdout)\(run.stderr)")
    }
}
