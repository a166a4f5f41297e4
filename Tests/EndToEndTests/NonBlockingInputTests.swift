import Foundation
import Testing

/// Standard input that is a pipe whose read end was set non-blocking by
/// whoever made it (some runtimes and CI runners leave O_NONBLOCK on the
/// descriptors they hand down), fed in small pieces with pauses: bale
/// waits for the data, as GNU gzip does. `gunzip -c`, `list -`, `cat -`
/// and `unpack -` said "stdin: read error: Resource temporarily
/// unavailable", exit 1, part of the output written (a probe helper);
/// `gzip -c` only by luck did not.
@Suite struct NonBlockingInputTests {
    @Test(.enabled(if: Machine.has("python3"), "python3 makes the non-blocking pipe"))
    func aNonBlockingPipeIsWaitedOn() throws {
        let run = try Scratch().run(#"""
            head -c 1000000 "$FIXTURES/mixed" > f && gzip -k f && mkdir d && cp f d/ && "$BALE" pack -q d -o d.tgz
            cat > feed.py <<'PY'
            import os, subprocess, sys, threading, time
            feed = open(sys.argv[1], 'rb').read()
            r, w = os.pipe()
            os.set_blocking(r, False)
            with open(sys.argv[2], 'wb') as out:
                p = subprocess.Popen(sys.argv[3:], stdin=r, stdout=out)
            os.close(r)
            def write():
                for i in range(0, len(feed), 30000):
                    os.write(w, feed[i:i + 30000]); time.sleep(0.005)
                os.close(w)
            t = threading.Thread(target=write); t.start(); p.wait(); t.join()
            print(p.returncode)
            PY
            echo "gunzip $(python3 feed.py f.gz out "$BALE" gunzip -c)"; cmp -s out f && echo "whole"
            echo "gzip $(python3 feed.py f out.gz "$BALE" gzip -c)"; gzip -dc out.gz | cmp -s - f && echo "whole"
            echo "list $(python3 feed.py d.tgz out "$BALE" list -)"; grep -c 'd/f$' out
            echo "cat $(python3 feed.py d.tgz out "$BALE" cat - d/f)"; cmp -s out f && echo "whole"
            """#)
        #expect(run.stdout == "gunzip 0\nwhole\ngzip 0\nwhole\nlist 0\n1\ncat 0\nwhole\n", "\(run.stdout)\(run.stderr)")
    }
}
