import Testing

/// `bale sum -` and `bale sum` with no path hash standard input and print
/// it as `-`, the lines sha256sum prints: a pipe read to its end (a second
/// `-` then finds it empty, as sha256sum does), a file given with `<`, `-`
/// in its place among other paths. Started with standard input closed,
/// bale says "Bad file descriptor" and exits 1, as sha256sum does, where it
/// would otherwise hash the /dev/null it keeps in its place.
@Suite struct SumStandardInputTests {
    @Test func standardInputIsHashedAsSha256sumHashesIt() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            head -c 300000 /dev/urandom > f; printf 'one\n' > a
            for p in 1 2; do
                printf 'hello\n' | "$BALE" sum -p $p > out; echo "no path: status $?"
                printf 'hello\n' | sha256sum | cmp - out && echo "no path: sha256sum's line"
                cat f | "$BALE" sum -p $p a - a - > out; echo "among paths: status $?"
                cat f | sha256sum a - a - | cmp - out && echo "among paths: sha256sum's lines"
                "$BALE" sum -p $p - < f > out; echo "a file: status $?"
                sha256sum - < f | cmp - out && echo "a file: sha256sum's line"
            done
            "$BALE" sum - <&- > out 2> err; echo "closed: status $?"
            cat err; [ ! -s out ] && echo "closed: no line"
            """#)
        let each = """
            no path: status 0
            no path: sha256sum's line
            among paths: status 0
            among paths: sha256sum's lines
            a file: status 0
            a file: sha256sum's line

            """
        #expect(run.stdout == each + each + """
            closed: status 1
            bale: -: Bad file descriptor
            closed: no line

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A manifest's line for `-` (`sum -c`) with standard input closed is
    /// "FAILED open or read" (exit 1), as sha256sum says; never the digest
    /// of the write-only /dev/null bale keeps there, which is that of
    /// nothing and would say OK to a line for an empty input.
    @Test func aManifestLineForClosedStandardInputFails() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            printf '%s  -\n' "$(printf '' | sha256sum | cut -d' ' -f1)" > m
            "$BALE" sum -c m <&- 2> err; echo "closed: $?"
            grep -q 'bale: -: Bad file descriptor' err && echo "named"
            printf '' | "$BALE" sum -c m; echo "empty: $?"
            """#)
        #expect(run.stdout == """
            -: FAILED open or read
            closed: 1
            named
            -: OK
            empty: 0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// A socket on standard input (a socketpair from Python's subprocess,
    /// socat, an inetd service) is hashed as sha256sum hashes it: the
    /// worker cannot open it through /proc (ENXIO), so bale relays it
    /// through a pipe (`StandardInputRelay`); it said "-: No such device
    /// or address", exit 1 (a probe helper). A second `-` finds it empty,
    /// and a connection reset midway is "Connection reset by peer", exit 1,
    /// no digest of the part read.
    @Test func aSocketIsHashedAsSha256sumHashesIt() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            head -c 3000000 /dev/urandom > f
            cat > sock.py <<'EOF'
            import os, socket, struct, subprocess, sys, time
            data = open("f", "rb").read()
            if sys.argv[1] == "pair":
                ours, theirs = socket.socketpair()
            else:
                server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(1)
                ours = socket.create_connection(server.getsockname()); theirs, _ = server.accept()
            child = subprocess.Popen(sys.argv[2:], stdin=theirs, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            theirs.close()
            if sys.argv[1] == "pair":
                ours.sendall(data); ours.shutdown(socket.SHUT_WR)
            else:
                ours.sendall(data[:1000000]); time.sleep(0.3)
                ours.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); ours.close()
            out, err = child.communicate()
            sys.stdout.write(out.decode()); sys.stdout.write(err.decode()); print("status", child.returncode)
            EOF
            python3 sock.py pair "$BALE" sum -p 2 > out; sha256sum - < f | cat - <(echo "status 0") | cmp - out && echo "one: sha256sum's line"
            python3 sock.py pair "$BALE" sum -p 2 f - - > out
            { sha256sum f; sha256sum - < f; sha256sum - < /dev/null; echo "status 0"; } | cmp - out && echo "three: sha256sum's lines"
            python3 sock.py reset "$BALE" sum -
            """#)
        #expect(run.stdout == """
            one: sha256sum's line
            three: sha256sum's lines
            bale: -: Connection reset by peer
            status 1

            """, "\(run.stdout)\(run.stderr)")
    }
}
