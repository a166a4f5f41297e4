import Foundation
import Testing

/// `pack --sparse` on the example: a 1 GiB file holding three
/// small islands of data becomes an archive of kilobytes, and GNU tar
/// restores it with its holes (`du`) and its content (`cmp`). The formats
/// and the other tools are tested in `TarReadingTests.packSparse`.
@Suite struct SparseTests {
    @Test(.enabled(if: TarReadingTests.fileSystemKeepsHoles, "the temporary directory's file system does not keep holes"))
    func aGibibyteOfHolesPacksIntoKilobytes() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            set -e
            mkdir src
            truncate -s 1G src/islands
            printf 'first island' | dd of=src/islands bs=1 seek=4096 conv=notrunc 2> /dev/null
            printf 'second island' | dd of=src/islands bs=1 seek=500000000 conv=notrunc 2> /dev/null
            # the last one ends the file: no hole at its end
            printf 'third island' | dd of=src/islands bs=1 seek=$(( (1 << 30) - 12 )) conv=notrunc 2> /dev/null
            stat -c %s src/islands
            "$BALE" pack -S src -o s.tar.gz
            set +e
            size=$(stat -c %s s.tar.gz); echo "archive under 64 KiB: $(( size < 65536 ))"
            mkdir out && tar -xzf s.tar.gz -C out && echo "GNU tar extracted it"
            stat -c %s out/src/islands
            echo "restored with holes: $(( $(du -k out/src/islands | cut -f1) < 1024 ))"
            cmp src/islands out/src/islands && echo "the same content"
            """)
        #expect(run.stdout == """
            1073741824
            archive under 64 KiB: 1
            GNU tar extracted it
            1073741824
            restored with holes: 1
            the same content

            """, "\(run.stdout)\(run.stderr)")
    }
}
