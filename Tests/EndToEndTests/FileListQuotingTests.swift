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
}
