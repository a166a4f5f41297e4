import Foundation
import Testing

/// What stands at an output's name. An output bale names beside its input
/// (`gzip -f FILE`, `gunzip -f FILE.gz`, `gzip -r -f`) replaces whatever
/// is there, as gzip's does: a FILE.gz that is a symbolic link to
/// /dev/null (or a FIFO: not tried here, as the old code would wait on it
/// for ever) used to be written into, and the input was then removed,
/// its data gone. A device named by `-o` is written into, even
/// without -f (`-o /dev/null`).
@Suite struct GzipOutputTargetTests {
    @Test func anOutputBesideItsInputReplacesADeviceOrAFIFO() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            seq 1 1000 > orig
            cp orig a && ln -s /dev/null a.gz && "$BALE" gzip -f a; echo "gzip -f=$?"
            [ -f a.gz ] && [ ! -L a.gz ] && gzip -dc a.gz | cmp - orig && echo "a.gz holds the data"
            gzip -c orig > b.gz && ln -s /dev/null b && "$BALE" gunzip -f b.gz; echo "gunzip -f=$?"
            [ -f b ] && [ ! -L b ] && cmp b orig && echo "b holds the data"
            mkdir d && cp orig d/e && ln -s /dev/null d/e.gz && "$BALE" gzip -q -r -f d; echo "gzip -r -f=$?"
            [ -f d/e.gz ] && [ ! -L d/e.gz ] && gzip -dc d/e.gz | cmp - orig && echo "d/e.gz holds the data"
            "$BALE" gzip -o /dev/null orig; echo "-o /dev/null=$?"
            [ -c /dev/null ] && echo "/dev/null still a device"
            """#)
        #expect(run.stdout == """
            gzip -f=0
            a.gz holds the data
            gunzip -f=0
            b holds the data
            gzip -r -f=2
            d/e.gz holds the data
            -o /dev/null=0
            /dev/null still a device

            """, "\(run.stdout)\(run.stderr)")
    }
}
