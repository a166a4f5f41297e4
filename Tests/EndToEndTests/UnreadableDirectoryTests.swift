// `bale pack` of a directory it cannot read, held to GNU tar run by the
// same user on the same tree.
import Testing

@Suite struct UnreadableDirectoryTests {
    /// A directory bale may not list (mode 000, and 0111: searchable but
    /// not readable), inside a tree and as a path given, packed by `nobody`:
    /// GNU tar says "Cannot open: Permission denied", exits 2 and stores
    /// no entry for it; bale said the same but stored it as an empty
    /// directory, which unpacked as if it had held nothing. Now its
    /// entries, messages and status are GNU tar's.
    @Test(.enabled(if: Machine.isRoot, "needs root to run bale and tar as nobody (setpriv) on a tree root made"))
    func anUnreadableDirectoryIsLeftOutAsGNUTarLeavesItOut() throws {
        let run = try Scratch().run(#"""
            mkdir -p t/locked/inner t/blind t/open && echo a > t/open/f && echo s > t/locked/secret && echo b > t/blind/b
            chmod 000 t/locked && chmod 111 t/blind && chmod 777 .
            # nobody may not reach the build directory (a clone in a 0700 mktemp -d): run a copy
            cp "$BALE" ./bale-copy && chmod 755 ./bale-copy
            as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
            for paths in t "t/locked t/open"; do
                as_nobody ./bale-copy pack $paths -o "$PWD/b.tar.gz" 2> bale.err; echo "bale: $? $(tar -tzf b.tar.gz | tr '\n' ' ')"
                as_nobody tar -cf "$PWD/t.tar" $paths 2> tar.err; echo "tar: $? $(tar -tf t.tar | tr '\n' ' ')"
                sed 's/^bale: //' bale.err > bale.said; grep -v Exiting tar.err | sed 's/^tar: //' > tar.said
                cmp bale.said tar.said && cat bale.said
                rm -f b.tar.gz t.tar
            done
            """#)
        #expect(run.stdout == """
            bale: 2 t/ t/open/ t/open/f \("")
            tar: 2 t/ t/open/ t/open/f \("")
            t/blind: Cannot open: Permission denied
            t/locked: Cannot open: Permission denied
            bale: 2 t/open/ t/open/f \("")
            tar: 2 t/open/ t/open/f \("")
            t/locked: Cannot open: Permission denied

            """, "\(run.stdout)\(run.stderr)")
    }
}
