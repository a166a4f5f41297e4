import Foundation
import Testing

/// The release tarball (`make dist`) runs where there is no Swift: with
/// the toolchain's directory hidden under an empty tmpfs in a private
/// mount namespace (`unshare -m`), the binaries installed by the tarball's
/// install.sh and by `make install` print their version and pack and
/// unpack a tree that round-trips, while the debug binary, which loads the Swift runtime
/// from the toolchain, does not start (so the hiding is real). The
/// tarball's binary also runs where ISA-L is not installed: with the
/// system's libisal.so.2 hidden too (/dev/null mounted over it), it loads
/// the copy the tarball carries, while the `make install` binary, which
/// has only the system's, does not start.
@Suite struct SelfContainedTests {
    /// The checkout the tests were built in (bale is .build/TRIPLE/debug/bale).
    static let repo = URL(fileURLWithPath: bale).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The newest dist/bale-*-linux-x86_64.tar.gz, which `make test` builds
    /// (`make dist`) before it runs the tests; BALE_DIST names another.
    static let tarball: String? = {
        if let given = ProcessInfo.processInfo.environment["BALE_DIST"] { return given }
        let found = try? sh(#"ls -t "$0"/dist/bale-*-linux-x86_64.tar.gz 2>/dev/null | head -1"#
            .replacingOccurrences(of: "$0", with: repo), in: repo)
        let path = found?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return path.isEmpty ? nil : path
    }()

    /// Whether this process may make a mount namespace and mount in it.
    static let canHideDirectories: Bool = {
        let run = try? sh("unshare -m sh -c 'mount -t tmpfs bale-probe /mnt && echo yes' 2>/dev/null", in: "/")
        return run?.stdout == "yes\n"
    }()

    @Test(.enabled(if: tarball != nil, "needs the dist tarball: run `make test` (or `make dist` first)"),
          .enabled(if: canHideDirectories, "needs unshare -m and mount (root, where the kernel allows it)"))
    func theDistTarballRunsWithoutTheSwiftToolchain() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            # Where the debug binary loads the Swift runtime from: the toolchain.
            toolchain=$(ldd "$BALE" | sed -n 's|.*=> \(/.*\)/usr/lib/swift/linux/libswiftCore\.so.*|\1|p')
            [ -d "$toolchain" ] && echo "toolchain found"
            mkdir unpacked && tar -xzf "$TARBALL" -C unpacked
            sh unpacked/bale-*/install.sh "$PWD/prefix" > /dev/null && echo "installed"
            # And the binary `make install` installs (the release build, into a scratch prefix).
            make -s -C "$REPO" install-files BIN=.build/release/bale PREFIX="$PWD/made" INSTALL_SUDO= > /dev/null \
                && echo "made"
            cp -r "$REPO/samples/tree" tree
            # The system's ISA-L, which the tarball's binary must not need.
            isal=$(ldd made/bin/bale | awk '$1 == "libisal.so.2" { print $3 }')
            [ -f "$isal" ] && echo "system isal found"
            [ -f prefix/lib/bale/libisal.so.2 ] && echo "isal installed"
            unshare -m env TOOLCHAIN="$toolchain" ISAL="$(readlink -f "$isal")" sh -c '
                mount -t tmpfs bale-hide "$TOOLCHAIN" || exit 1
                "$BALE" --version > /dev/null 2>&1 || echo "the debug binary does not start"
                run() {
                    $1/bin/bale --version | grep -q "^isal " && echo "$1: version"
                    $1/bin/bale pack -1 tree -o $1.tar.gz && echo "$1: packed"
                    mkdir $1.out && $1/bin/bale unpack $1.tar.gz -C $1.out && echo "$1: unpacked"
                }
                run made
                mount --bind /dev/null "$ISAL" || exit 1
                made/bin/bale --version > /dev/null 2>&1 || echo "without the system isal the installed binary does not start"
                run prefix
            '
            diff -r tree prefix.out/tree && diff -r tree made.out/tree && echo "round trips"
            """#.replacingOccurrences(of: "$TARBALL", with: Self.tarball ?? "")
                .replacingOccurrences(of: "$REPO", with: Self.repo))
        #expect(run.stdout == """
            toolchain found
            installed
            made
            system isal found
            isal installed
            the debug binary does not start
            made: version
            made: packed
            made: unpacked
            without the system isal the installed binary does not start
            prefix: version
            prefix: packed
            prefix: unpacked
            round trips

            """, "\(run.stdout)\(run.stderr)")
    }

    /// On a system the binary cannot run on (here: the ISA-L it carries
    /// broken, as a library the node lacks or a glibc too old would break
    /// it), install.sh says why, with the glibc the binary needs (filled in
    /// by `make dist`), and installs nothing.
    @Test(.enabled(if: tarball != nil, "needs the dist tarball: run `make test` (or `make dist` first)"))
    func theInstallerRefusesASystemTheBinaryCannotRunOn() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir unpacked && tar -xzf "$TARBALL" -C unpacked
            sh unpacked/bale-*/install.sh "$PWD/prefix" > /dev/null && echo "installed"
            : > unpacked/bale-*/lib/bale/libisal.so.2
            sh unpacked/bale-*/install.sh "$PWD/broken" > /dev/null 2> err; echo "exit $?"
            grep -q 'bale cannot run on this system, nothing was installed' err && echo "said so"
            grep -q 'libisal.so.2: file too short' err && echo "named the cause"
            grep -Eq 'glibc 2\.[0-9]+ or newer' err && echo "named its glibc"
            [ -e broken ] || echo "nothing installed"
            """#.replacingOccurrences(of: "$TARBALL", with: Self.tarball ?? ""))
        #expect(run.stdout == """
            installed
            exit 1
            said so
            named the cause
            named its glibc
            nothing installed

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The tarball's binary asks for nothing newer than glibc 2.34, and
    /// loads no libstdc++, libcrypto or zlib (linked in), so it starts on
    /// RHEL and Rocky 9 as on Debian 12 and Ubuntu 22.04: a symbol of a
    /// newer version (hypotf's 2.35, from the Swift runtime, until
    /// GlibcFloor.c; arc4random's 2.36, from the static libstdc++) would
    /// make their loader refuse it.
    @Test(.enabled(if: tarball != nil, "needs the dist tarball: run `make test` (or `make dist` first)"))
    func theTarballsBinaryRunsOnGlibc234() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            mkdir unpacked && tar -xzf "$TARBALL" -C unpacked
            objdump -T unpacked/bale-*/bin/bale > symbols || echo "objdump failed"
            newest() { grep -o "$1[0-9.]*" symbols | sed "s/$1//" | sort -uV | tail -n 1; }
            echo "glibc $(newest GLIBC_)"
            libstdcxx=$(newest GLIBCXX_); echo "libstdc++ symbols: ${libstdcxx:-none}"
            echo "loads: $(readelf -d unpacked/bale-*/bin/bale | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ' | sed 's/ $//')"
            grep -q 'glibc_needed=2.34$' unpacked/bale-*/install.sh && echo "install.sh says 2.34"
            """#.replacingOccurrences(of: "$TARBALL", with: Self.tarball ?? ""))
        #expect(run.stdout == """
            glibc 2.34
            libstdc++ symbols: none
            loads: libisal.so.2 libm.so.6 libgcc_s.so.1 libc.so.6 \(Self.dynamicLoader)
            install.sh says 2.34

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The binary looks for its libraries in prefix/lib/bale only, never
    /// in its own directory (SwiftPM put $ORIGIN first: a library put
    /// beside a binary in /tmp or a group-writable tools directory ran in
    /// bale and in each of its workers); and install.sh over an install a
    /// job is running from renames each file into place: it copied over
    /// them, failed on the binary ("Text file busy") yet said it had
    /// installed, exit 0, and rewrote the library under the running job.
    @Test(.enabled(if: tarball != nil, "needs the dist tarball: run `make test` (or `make dist` first)"))
    func theBinaryLoadsNothingFromBesideItAndReinstallsUnderARunningJob() throws {
        let run = try Scratch().run(#"""
            mkdir unpacked && tar -xzf "$TARBALL" -C unpacked
            readelf -d unpacked/bale-*/bin/bale | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p'
            mkdir d && cp unpacked/bale-*/bin/bale d/ && cp unpacked/bale-*/lib/bale/libisal.so.2 d/libisal.so.2.real
            printf '#include <unistd.h>\n__attribute__((constructor)) static void f(void) { write(2, "PLANTED\\n", 8); }\n' > p.c
            cc -shared -fPIC -o d/libisal.so.2 p.c && { d/bale --version > /dev/null 2> err; grep -c PLANTED err; }
            sh unpacked/bale-*/install.sh "$PWD/prefix" > /dev/null
            head -c 1500000000 /dev/zero | prefix/bin/bale gzip -1 -c > /dev/null & job=$!
            sleep 1; sh unpacked/bale-*/install.sh "$PWD/prefix" > /dev/null 2> again; echo "reinstalled: $? $(cat again)"
            wait $job; echo "the running job: $?"
            ls -A prefix/bin prefix/lib/bale | grep -c install- || true
            """#.replacingOccurrences(of: "$TARBALL", with: Self.tarball ?? ""))
        #expect(run.stdout == """
            $ORIGIN/../lib/bale
            0
            reinstalled: 0 \("")
            the running job: 0
            0

            """, "\(run.stdout)\(run.stderr)")
    }

    /// The dynamic loader glibc names for this machine's architecture.
    #if arch(arm64)
    static let dynamicLoader = "ld-linux-aarch64.so.1"
    #else
    static let dynamicLoader = "ld-linux-x86-64.so.2"
    #endif

    /// samples/batch: the tarball installed once into a shared directory
    /// (shared-install.sh), then used by the Slurm array's tasks.
    @Test(.enabled(if: tarball != nil, "needs the dist tarball: run `make test` (or `make dist` first)"))
    func theSharedInstallServesTheArrayTasks() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            sh "$REPO/samples/batch/shared-install.sh" "$TARBALL" "$PWD/shared" | grep -q '^isal ' && echo "installed"
            mkdir data && for i in $(seq 1 12); do seq 1 $((i * 100)) > data/f$i; done && cp -a data orig
            for k in 1 2; do
                BALE="$PWD/shared/bale/bin/bale" SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=2 \
                    bash "$REPO/samples/batch/slurm-array.sbatch" data 2> /dev/null || echo "task $k failed"
            done
            for i in $(seq 1 12); do gzip -dc data/f$i.gz | cmp - orig/f$i || echo "f$i differs"; done
            echo done
            """#.replacingOccurrences(of: "$TARBALL", with: Self.tarball ?? "")
                .replacingOccurrences(of: "$REPO", with: Self.repo))
        #expect(run.stdout == """
            installed
            done

            """, "\(run.stdout)\(run.stderr)")
    }
}
