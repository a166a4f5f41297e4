import Foundation
import Testing

/// The codecs every format test runs with (`--codec`).
let codecs = ["libdeflate", "zlib"]

/// Round trips through `bale gzip` and every standard gzip reader.
@Suite struct GzipRoundTripTests {
    /// Every standard reader must give back `file` from `file.gz`.
    static let checkWithStandardTools = """
        check() {
          gzip -t "$1.gz" || { echo "gzip -t failed"; return 1; }
          gzip -dc "$1.gz" | cmp - "$1" || { echo "gzip -dc differs"; return 1; }
          pigz -dc "$1.gz" | cmp - "$1" || { echo "pigz -dc differs"; return 1; }
          zcat "$1.gz" | cmp - "$1" || { echo "zcat differs"; return 1; }
          python3 -c 'import gzip,sys; sys.exit(gzip.open(sys.argv[1]).read() != open(sys.argv[2],"rb").read())' "$1.gz" "$1" \
            || { echo "python3 gzip differs"; return 1; }
          "$BALE" gunzip -c "$1.gz" | cmp - "$1" || { echo "bale gunzip differs"; return 1; }
        }
        """

    @Test(arguments: [0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk + 17], codecs)
    func sizesAroundTheChunkBoundary(size: Int, codec: String) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Fixtures.gen)
            \(Self.checkWithStandardTools)
            gen \(size) data && "$BALE" gzip --codec \(codec) -k -p 2 data && check data && echo ok
            """)
        #expect(run.status == 0 && run.stdout.hasSuffix("ok\n"), "\(run.stdout)\(run.stderr)")
    }

    @Test func realFilesFromTheMachine() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Self.checkWithStandardTools)
            cp /opt/swift/usr/lib/swift/linux/libswiftCore.so core.so
            tar -cf headers.tar -C /usr include 2>/dev/null
            "$BALE" gzip -k core.so headers.tar && check core.so && check headers.tar || exit 1
            # the same through standard input and output
            "$BALE" gzip < headers.tar > stream.gz && cmp stream.gz headers.tar.gz && echo ok
            """)
        #expect(run.status == 0 && run.stdout.hasSuffix("ok\n"), "\(run.stdout)\(run.stderr)")
    }

    @Test func aFewHundredMiB() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Self.checkWithStandardTools)
            # 320 MiB of real text, binaries and random bytes, compressible in parts
            for i in 1 2 3 4 5 6 7 8 9 10 11; do cat "$FIXTURES/mixed"; done | head -c 335544320 > big
            "$BALE" gzip -k -p 2 big && check big && echo ok
            """)
        #expect(run.status == 0 && run.stdout.hasSuffix("ok\n"), "\(run.stdout)\(run.stderr)")
    }

    @Test(arguments: codecs)
    func outputBytesDoNotDependOnJobsOrReaders(codec: String) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Fixtures.gen)
            gen 41000000 data
            "$BALE" gzip --codec \(codec) -c -p 1 --io-threads 1 data > p1.gz
            # The reference itself judged by GNU gzip: equal outputs are no proof of right ones.
            gzip -dc p1.gz | cmp - data || { echo "p1.gz does not hold the data"; exit 1; }
            for args in "-p 2" "-p 4" "-p 2 --io-threads 1" "-p 3 --io-threads 6"; do
              "$BALE" gzip --codec \(codec) -c $args data | cmp - p1.gz || { echo "differs with $args"; exit 1; }
            done
            # and through a pipe, where one thread reads in order
            cat data | "$BALE" gzip --codec \(codec) -p 4 | cmp - p1.gz || { echo "stdin differs"; exit 1; }
            echo ok
            """)
        #expect(run.status == 0 && run.stdout.hasSuffix("ok\n"), "\(run.stdout)\(run.stderr)")
    }

    /// Every level of each codec is standard gzip, and `--best` is the
    /// codec's strongest: 12 with libdeflate, 9 with zlib (as gzip's).
    @Test func everyLevelRoundTripsThroughGzip() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            # 6 MiB of real text and binary: two chunks, so every level covers a member boundary
            head -c 6291456 "$FIXTURES/mixed" > data
            for level in 1 2 3 4 5 6 7 8 9 10 11 12; do
              "$BALE" gzip -$level -c data > l$level.gz && gzip -t l$level.gz && gzip -dc l$level.gz | cmp - data \
                || { echo "level $level"; exit 1; }
            done
            for level in 1 2 3 4 5 6 7 8 9; do
              "$BALE" gzip --codec zlib --level $level -c data | gzip -dc | cmp - data || { echo "zlib level $level"; exit 1; }
            done
            "$BALE" gzip --best -c data | cmp - l12.gz || { echo "--best is not level 12"; exit 1; }
            "$BALE" gzip --codec zlib --best -c data | cmp - <("$BALE" gzip --codec zlib -9 -c data) || { echo "zlib --best"; exit 1; }
            [ $(stat -c %s l12.gz) -lt $(stat -c %s l9.gz) ] && [ $(stat -c %s l9.gz) -lt $(stat -c %s l1.gz) ] \
              || { echo "sizes do not fall with the level"; exit 1; }
            "$BALE" gzip --codec zlib -10 -c data > /dev/null 2> err; echo "zlib -10: $?"
            grep -q 'the level must be 1 to 9 with --codec zlib' err && echo "says why"
            "$BALE" gzip -13 -c data > /dev/null 2>&1; echo "-13: $?"
            """)
        #expect(run.stdout == "zlib -10: 64\nsays why\n-13: 64\n", "\(run.stdout)\(run.stderr)")
    }

    @Test func emptyInputGivesAValidGzipFile() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            : | "$BALE" gzip > empty.gz && gzip -t empty.gz && [ "$(gzip -dc empty.gz | wc -c)" = 0 ] \
              && [ "$("$BALE" gunzip -c empty.gz | wc -c)" = 0 ] && echo ok
            """)
        #expect(run.status == 0 && run.stdout == "ok\n", "\(run.stdout)\(run.stderr)")
    }
}
