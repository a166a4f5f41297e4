// `bale pack -T LIST` with a list that names no path, held to GNU tar.
import Testing

@Suite struct EmptyFileListTests {
    /// `tar -cf x.tar -T /dev/null` makes an empty archive (the two
    /// end-of-archive blocks, padded to a record) and exits 0; bale refused
    /// ("give at least one path", exit 1). Now it makes the same empty tar
    /// stream, which every reader takes (exit 0), from a file or standard
    /// input; with no `-o` there is no path to name the archive after, so
    /// that stays an error naming the list (exit 1), with nothing written.
    @Test func anEmptyListMakesAnEmptyArchive() throws {
        let run = try Scratch().run(#"""
            tar -cf gnu.tar -T /dev/null; echo "tar: $?"
            "$BALE" pack -T /dev/null -o b.tar.gz; echo "pack: $?"
            gzip -dc b.tar.gz | cmp - gnu.tar && echo "the tar stream of GNU tar's"
            tar -tzf b.tar.gz; echo "tar -t: $?"
            "$BALE" list b.tar.gz; echo "list: $?"; "$BALE" verify b.tar.gz
            printf '' | "$BALE" pack --null -T - -o - | tar -tz; echo "from standard input: ${PIPESTATUS[1]} ${PIPESTATUS[2]}"
            mkdir d && cd d && "$BALE" pack -T /dev/null; echo "no -o: $? $(ls | wc -l)"
            """#)
        #expect(run.stdout == """
            tar: 0
            pack: 0
            the tar stream of GNU tar's
            tar -t: 0
            list: 0
            b.tar.gz: OK (0 entries)
            from standard input: 0 0
            no -o: 1 0

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr == """
            bale: /dev/null: names no path to pack, and with none the archive has no name to take: give -o ARCHIVE

            """, "\(run.stdout)\(run.stderr)")
    }
}
