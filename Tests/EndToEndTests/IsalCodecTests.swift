import Testing

/// ISA-L as bale's third codec (`--codec isal`, levels 1–3) and the level
/// map that `--codec auto`, the default, takes it from: every level gives
/// standard gzip that gzip, pigz, igzip, zcat, python and bale itself read
/// back; the bytes do not depend on -p; a level ISA-L lacks is a usage
/// error that names the levels it has.
@Suite struct IsalCodecTests {
    /// What reads a file back: `GzipRoundTripTests`' readers, and igzip.
    static let check = GzipRoundTripTests.checkWithStandardTools + """

        checkAll() {
          check "$1" || return 1
          igzip -dc "$1.gz" | cmp - "$1" || { echo "igzip -dc differs"; return 1; }
        }
        """

    @Test(arguments: [0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk + 17], [1, 2, 3])
    func sizesAroundTheChunkBoundary(size: Int, level: Int) throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Fixtures.gen)
            \(Self.check)
            gen \(size) data && "$BALE" gzip --codec isal -\(level) -k -p 2 data && checkAll data && echo ok
            """)
        #expect(run.status == 0 && run.stdout.hasSuffix("ok\n"), "\(run.stdout)\(run.stderr)")
    }

    /// The same bytes whichever worker compressed which chunk and in what
    /// order: ISA-L's level buffer carries nothing from one chunk to the next.
    ///
    /// ISA-L itself gives, about once in 30,000 chunks on this machine,
    /// another valid encoding of a chunk (README, "The gzip bale writes";
    /// bench/isal-determinism.sh): the whole comparison is made a second
    /// time before the test fails. Two failing runs fail it.
    @Test(arguments: [1, 2, 3])
    func outputBytesDoNotDependOnJobs(level: Int) throws {
        let passed = { (run: Run) in run.status == 0 && run.stdout.hasSuffix("ok\n") }
        var run = try Self.compareJobs(level: level)
        if !passed(run) { run = try Self.compareJobs(level: level) }
        #expect(passed(run), "\(run.stdout)\(run.stderr)")
    }

    /// Compresses the same data with several -p and --io-threads, and the
    /// second chunk alone; prints "ok" when every output is the same bytes.
    static func compareJobs(level: Int) throws -> Run {
        let scratch = Scratch()
        return try scratch.run("""
            \(Fixtures.gen)
            gen 41000000 data
            "$BALE" gzip --codec isal -\(level) -c -p 1 --io-threads 1 data > p1.gz
            gzip -dc p1.gz | cmp - data || { echo "p1.gz does not hold the data"; exit 1; }
            for args in "-p 2" "-p 4" "-p 3 --io-threads 6"; do
              "$BALE" gzip --codec isal -\(level) -c $args data | cmp - p1.gz || { echo "differs with $args"; exit 1; }
            done
            cat data | "$BALE" gzip --codec isal -\(level) -p 4 | cmp - p1.gz || { echo "stdin differs"; exit 1; }
            # and the second chunk compressed alone is the second member of the whole
            dd if=data of=second bs=4194304 skip=1 count=1 status=none
            "$BALE" gzip --codec isal -\(level) -c -p 1 second > second.gz
            python3 -c 'import sys
            def member(data, index):  # the BL subfield records each member length
                start = 0
                for _ in range(index):
                    start += int.from_bytes(data[start + 18:start + 22], "little")
                return data[start:start + int.from_bytes(data[start + 18:start + 22], "little")]
            sys.exit(member(open("p1.gz", "rb").read(), 1) != member(open("second.gz", "rb").read(), 0))' \
              || { echo "the second chunk differs alone"; exit 1; }
            echo ok
            """)
    }

    /// `--codec isal` takes levels 1–3 only; `--best` is its 3; pack and
    /// gunzip take the codec as gzip does.
    @Test func levelsOutsideIsalsAreUsageErrors() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            head -c 3000000 "$FIXTURES/mixed" > data
            "$BALE" gzip --codec isal -9 -c data > /dev/null 2> err; echo "isal -9: $?"
            grep -q 'the level must be 1 to 3 with --codec isal' err && echo "says why"
            "$BALE" gzip --codec isal -c data > /dev/null 2>&1; echo "isal at the default level 6: $?"
            "$BALE" gzip --codec isal --best -c data | cmp - <("$BALE" gzip --codec isal -3 -c data) && echo "--best is 3"
            mkdir tree && cp data tree/ && "$BALE" pack --codec isal -1 tree -o t.tgz && mkdir out \\
              && "$BALE" unpack --codec isal t.tgz -C out && cmp data out/tree/data && echo "pack and unpack"
            """)
        #expect(run.stdout == """
            isal -9: 64
            says why
            isal at the default level 6: 64
            --best is 3
            pack and unpack

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The default, `--codec auto`, compresses each level with the
    /// library and level the level map names (README, "Choices behind the
    /// figures"): the same bytes as naming them.
    @Test func theDefaultFollowsTheLevelMap() throws {
        let scratch = Scratch()
        let run = try scratch.run("""
            \(Self.check)
            head -c 9000000 "$FIXTURES/mixed" > data
            same() { "$BALE" gzip -$1 -c data | cmp -s - <("$BALE" gzip --codec $2 -$3 -c data) && echo "-$1 is $2 $3"; }
            same 1 isal 2
            same 2 libdeflate 2
            same 6 libdeflate 6
            same 12 libdeflate 12
            "$BALE" gzip --codec auto -1 -c data | cmp -s - <("$BALE" gzip -1 -c data) && echo "auto is the default"
            "$BALE" gzip -1 -k data && checkAll data && echo "-1 round trips"
            """)
        #expect(run.stdout == """
            -1 is isal 2
            -2 is libdeflate 2
            -6 is libdeflate 6
            -12 is libdeflate 12
            auto is the default
            -1 round trips

            """, "\(run.stdout)\(run.stderr)")
    }
}
