import Testing

/// Two file names that are not UTF-8 and decode to the same String
/// (`caf\xe9` and `caf\xe8`, both `caf\u{FFFD}`) are two files: each
/// argument is found by its own bytes (the command line is decoded without
/// loss, `RawArguments.commandLine`), never the first one twice, which
/// decompressed, archived or hashed one file twice and the other never,
/// with exit 0.
@Suite struct AlikeNamesTests {
    @Test func namesThatDecodeAlikeAreTwoFiles() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            echo AAA | gzip > $'caf\xe9.gz'; echo BBB | gzip > $'caf\xe8.gz'
            "$BALE" gunzip -c $'caf\xe9.gz' $'caf\xe8.gz' | tr '\n' ' '; echo "gunzip -c: status ${PIPESTATUS[0]}"
            echo one > $'x\xe9'; echo two > $'x\xe8'
            "$BALE" pack -o p.tar.gz $'x\xe9' $'x\xe8'; echo "pack: status $?"
            tar -xzOf p.tar.gz $'x\xe9' $'x\xe8' | tr '\n' ' '; echo
            "$BALE" sum $'x\xe9' $'x\xe8' | cmp - <(sha256sum $'x\xe9' $'x\xe8') && echo "sum: sha256sum's lines"
            """#)
        #expect(run.stdout == """
            AAA BBB gunzip -c: status 0
            pack: status 0
            one two 
            sum: sha256sum's lines

            """, "\(run.stdout)\(run.stderr)")
    }
}
