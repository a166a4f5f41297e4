import Foundation
import Testing

/// A file whose name is long but within NAME_MAX (255 bytes) is written
/// through a temporary name beside it (`.NAME.bale-XXXXXX`, 13 bytes
/// more): that name holds as much of the file's as fits. `unpack` stages
/// large files so, and used to refuse a 250-byte name that GNU tar
/// extracts ("File name too long; not extracted").
@Suite struct LongNameStagingTests {
    @Test func unpackExtractsALargeFileWithALongName() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            long=$(printf 'q%.0s' $(seq 250))
            mkdir src && head -c 40000000 "$FIXTURES/mixed" > src/$long && seq 1 10 > src/small
            tar -czf a.tgz src && mkdir out
            "$BALE" unpack a.tgz -C out; echo "unpack=$?"
            cmp out/src/$long src/$long && echo "extracted"
            ls -A out/src | grep -c bale- || true
            """#)
        #expect(run.stdout == "unpack=0\nextracted\n0\n", "\(run.stdout)\(run.stderr)")
    }
}
