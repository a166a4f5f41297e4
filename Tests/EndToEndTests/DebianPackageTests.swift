import Foundation
import Testing

/// The Debian package `make deb` builds (packaging/deb.sh) installs with
/// apt-get, its dependencies resolved from what is already on the machine;
/// the installed bale runs and `man` finds its page; and purging it leaves
/// none of its files behind. Its Depends names ISA-L's libisal2 (a shared
/// library) and not libdeflate (linked in).
///
/// The package is not built here: that is a release build of minutes, so
/// the test takes the one `make deb` left in .build/deb/ and is skipped,
/// saying so, when there is none. It installs into /usr, so it needs root.
@Suite struct DebianPackageTests {
    /// The repository the binary was built in: `bale` is its
    /// .build/x86_64-unknown-linux-gnu/debug/bale (.build/debug, resolved).
    static let repository = URL(fileURLWithPath: bale)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The package `make deb` built, if it has been run.
    static let package: String? = {
        let directory = repository + "/.build/deb"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.first { $0.hasPrefix("bale_") && $0.hasSuffix("_amd64.deb") }.map { directory + "/" + $0 }
    }()

    @Test(.enabled(if: Machine.isRoot && Machine.has("apt-get") && Machine.has("dpkg"),
                   "installs a package into /usr: needs root, apt-get and dpkg"),
          .enabled(if: package != nil, "no .build/deb/bale_*_amd64.deb: run `make deb` first"))
    func installsRunsAndPurgesCleanly() throws {
        let package = try #require(Self.package)
        let scratch = Scratch()
        // `dpkg -L` is taken while installed; after the purge none of its
        // files may remain, nor any directory no other package owns. man -w -a:
        // a bale in /usr/local (make install) may come first.
        let run = try scratch.run(#"""
            package='\#(package)'
            if dpkg -s bale > /dev/null 2>&1; then echo "bale is already installed as a package: not touching it" >&2; exit 1; fi
            [ -e /usr/bin/bale ] && { echo "/usr/bin/bale exists outside any package: not overwriting it" >&2; exit 1; }
            apt() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 -qq -y "$@" > apt.log 2>&1 || cat apt.log >&2; }
            # ISA-L is loaded from the system's libisal2; libdeflate is linked in.
            depends=$(dpkg-deb -f "$package" Depends)
            echo "$depends" | grep -q 'libisal2 (>= ' && echo "depends on libisal2"
            echo "$depends" | grep -q libdeflate || echo "libdeflate linked in"
            apt install "$package"
            dpkg -s bale | grep -q "^Status: install ok installed" && echo "installed"
            /usr/bin/bale --version > /dev/null && echo "bale --version runs"
            man -w -a bale | grep -qx /usr/share/man/man1/bale.1.gz && echo "man finds the page"
            dpkg -L bale > files
            while read -r file; do [ -e "$file" ] || echo "listed but missing: $file"; done < files
            grep -qx /usr/share/doc/bale/copyright files && echo "copyright shipped"
            apt remove --purge bale
            dpkg -s bale > /dev/null 2>&1 || echo "purged"
            while read -r file; do
                if [ "$file" = /. ]; then
                    continue   # dpkg -L lists the root first
                elif [ -d "$file" ]; then
                    dpkg -S "$file" > /dev/null 2>&1 || echo "left behind: $file/"
                elif [ -e "$file" ] || [ -L "$file" ]; then
                    echo "left behind: $file"
                fi
            done < files
            true
            """#)
        #expect(run.stdout == """
            depends on libisal2
            libdeflate linked in
            installed
            bale --version runs
            man finds the page
            copyright shipped
            purged

            """, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }
}
