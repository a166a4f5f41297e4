// Every command under a limit on the address space (`ulimit -v`, as a
// batch scheduler sets it: Slurm's VSizeFactor, Grid Engine's h_vmem).
import Testing

@Suite struct AddressSpaceLimitTests {
    /// Under `ulimit -v 250000` (250 MB) glibc cannot reserve a malloc
    /// arena for each thread, and leaves errno ENOMEM behind allocations
    /// that succeed. `unpack` read errno after such allocations to tell a
    /// missing directory from other trouble: it made none of the
    /// directories the archive has no entries for, and refused every entry
    /// under them ("tmp/gp/src/d0/f000: Cannot allocate
    /// memory; not extracted", exit 1, nothing extracted). Now every
    /// command does its work under the limit: the tree packed, unpacked
    /// whole, compressed with -r and back, hashed as sha256sum hashes it.
    @Test func everyCommandWorksUnderAnAddressSpaceLimit() throws {
        let run = try Scratch().run(#"""
            python3 - <<'EOF'
            import os, random
            random.seed(5)
            for i in range(300):
                d = os.path.join('w', 'tmp', 'gp', 'src', 'd%d' % (i % 7))
                os.makedirs(d, exist_ok=True)
                size = random.choice([100, 5000, 60000, 300000])
                data = random.randbytes(size) if i % 3 == 0 else b''.join(b'%d\n' % j for j in range(size // 6))
                open(os.path.join(d, 'f%03d' % i), 'wb').write(data)
            EOF
            # No entries for tmp/ and tmp/gp/: unpack makes them as it meets tmp/gp/src/.
            tar -C w -czf gnu.tgz tmp/gp/src
            (cd w && find tmp -type f | sort | xargs sha256sum) > expected.sum
            ulimit -v 250000
            mkdir x && "$BALE" unpack -p 2 -C x gnu.tgz; echo "unpack: $?"
            (cd x && sha256sum -c --quiet ../expected.sum) && echo "unpacked whole"
            "$BALE" pack -p 2 -o own.tgz -C w tmp; echo "pack: $?"
            mkdir y && "$BALE" unpack -p 2 -C y own.tgz; echo "unpack own: $?"
            (cd y && sha256sum -c --quiet ../expected.sum) && echo "own unpacked whole"
            "$BALE" gzip -r -p 2 y; echo "gzip -r: $?"
            "$BALE" gunzip -r -p 2 y; echo "gunzip -r: $?"
            (cd y && sha256sum -c --quiet ../expected.sum) && echo "round trip whole"
            (cd w && "$BALE" sum -p 2 tmp) | sort -k 2 | cmp - expected.sum && echo "sum as sha256sum"
            """#)
        #expect(run.stdout == """
            unpack: 0
            unpacked whole
            pack: 0
            unpack own: 0
            own unpacked whole
            gzip -r: 0
            gunzip -r: 0
            round trip whole
            sum as sha256sum

            """, "\(run.stdout)\(run.stderr)")
    }

    /// Many workers asked for under a modest limit (`-p 64`, a 64-core
    /// node's default, under `ulimit -v 100000`): bale died with "Fatal
    /// error: failed to allocate" and a backtrace, exit 134 (a reading
    /// helper). The workers now take at most half of the limit, 32 MiB
    /// each (their chunks and results), and a notice says so; the output
    /// is whole, as gzip judges it.
    @Test func manyWorkersUnderAModestLimitStartAsManyAsFit() throws {
        let run = try Scratch().run(#"""
            for i in 1 2 3 4 5 6; do cat "$FIXTURES/mixed"; done | head -c 40000000 > big
            ( ulimit -v 100000; SWIFT_BACKTRACE=enable=no "$BALE" gzip -p 64 -c big > big.gz 2> err; echo "gzip: $?" )
            ( ulimit -v 100000; SWIFT_BACKTRACE=enable=no "$BALE" gunzip -p 64 -c big.gz 2>> err | cmp - big && echo "gunzip: same" )
            gzip -dc big.gz | cmp - big && echo "gzip reads it whole"
            sort -u err
            """#)
        #expect(run.stdout == """
            gzip: 0
            gunzip: same
            gzip reads it whole
            bale: 1 of 64 workers started (more would take over half of the address-space limit, ulimit -v 100000); the work goes on with 1

            """, "\(run.stdout)\(run.stderr)")
    }
}
