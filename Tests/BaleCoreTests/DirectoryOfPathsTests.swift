import Testing
@testable import BaleCore
#if canImport(Glibc)
import Glibc
#endif

/// A worker opens the files of a `sum` batch relative to their directory,
/// opened once (`DirectoryOfPaths`): it must open the very file the whole
/// path opens, or fail as the whole path fails, for every shape of path.
@Suite struct DirectoryOfPathsTests {
    /// What opening a path gave: the file's identity, or the errno, or
    /// "no longer a regular file".
    private enum Outcome: Equatable {
        case file(FileIdentity)
        case failed(Int32)
        case changed
    }

    private func outcome(_ opened: DigestTarget.Opened) -> Outcome {
        switch opened {
        case .file(let fd, _, _):
            var info = stat()
            fstat(fd, &info)
            close(fd)
            return .file(FileIdentity(info))
        case .failed(.unreadable(let errno)):
            return .failed(errno)
        case .failed:
            return .changed
        }
    }

    /// Opens `path` as a worker does, through `directories`.
    private func openedThrough(_ directories: DirectoryOfPaths, _ path: String) -> Outcome {
        let bytes = Array(path.utf8)
        return outcome(bytes.withUnsafeBytes { raw in
            directories.withDirectory(of: raw) { place in
                guard case .inDirectory(let fd, let name) = place else {
                    return path.withCString { DigestTarget.open($0, listedSize: 1) }
                }
                return path.withCString { DigestTarget.open($0, listedSize: 1, in: (fd, name)) }
            }
        })
    }

    /// The same, by the whole path.
    private func openedWhole(_ path: String) -> Outcome {
        outcome(path.withCString { DigestTarget.open($0, listedSize: 1) })
    }

    @Test func everyPathOpensWhatItsWholePathOpens() throws {
        var template = Array("/tmp/bale-dirpaths-XXXXXX".utf8CString)
        let base = String(cString: try #require(mkdtemp(&template)))
        defer { _ = system("rm -rf '\(base)'") }
        for directory in ["a", "a/b", "c"] { mkdir("\(base)/\(directory)", 0o755) }
        for file in ["a/one", "a/two", "a/b/three", "c/four", "c/one", "top"] {
            let fd = open("\(base)/\(file)", O_WRONLY | O_CREAT, 0o644)
            _ = write(fd, "x", 1)
            close(fd)
        }
        symlink("\(base)/a", "\(base)/link")  // a directory reached through a link
        symlink("one", "\(base)/a/alias")     // a file that is a link
        mkfifo("\(base)/a/fifo", 0o644)       // not a regular file: no longer what was listed
        let paths = [
            // The same name in one directory, then another: each its own file.
            "\(base)/a/one", "\(base)/a/two", "\(base)/c/one", "\(base)/a/b/three", "\(base)/a/one", "\(base)/c/four",
            "\(base)/link/two", "\(base)/a/alias", "\(base)/a/fifo", "\(base)/a/missing", "\(base)/nothere/x",
            "\(base)/top/x", "\(base)/a/b/", "\(base)/a//one", "\(base)/a/./two", "\(base)/a/b/../one",
            "/\(base)/top",  // two slashes at the start
        ]
        let directories = DirectoryOfPaths()
        for path in paths {
            #expect(openedThrough(directories, path) == openedWhole(path), "\(path)")
        }
        // And the directory is what opened it, not the whole path again.
        let given = Array("\(base)/a/one".utf8).withUnsafeBytes { raw in
            directories.withDirectory(of: raw) { place in
                if case .inDirectory = place { return true }
                return false
            }
        }
        #expect(given, "a/one is opened in its directory")
        directories.close()
        // A path without a directory opens as itself, relative to the
        // working directory (not changed here: tests run side by side).
        #expect(openedThrough(directories, "bale-test-no-such-name") == openedWhole("bale-test-no-such-name"))
    }

    /// A path of PATH_MAX bytes or more fails whole (ENAMETOOLONG), though
    /// its directory (~3,900 bytes) and its name (240) open each alone: it
    /// must fail through the directory too.
    @Test func aPathTooLongWholeFailsAsAWhole() throws {
        var template = Array("/tmp/bale-dirpaths-XXXXXX".utf8CString)
        let base = String(cString: try #require(mkdtemp(&template)))
        defer { _ = system("rm -rf '\(base)'") }
        let part = String(repeating: "d", count: 240)
        let directory = base + String(repeating: "/" + part, count: 16)
        let name = String(repeating: "f", count: 240)
        #expect(system("mkdir -p '\(directory)' && cd '\(directory)' && echo x > \(name) && echo y > g") == 0)
        let path = directory + "/" + name
        #expect(path.utf8.count >= Int(PATH_MAX))
        let directories = DirectoryOfPaths()
        #expect(openedWhole(path) == .failed(ENAMETOOLONG))
        #expect(openedThrough(directories, path) == .failed(ENAMETOOLONG))
        // A shorter path in the same directory still opens, through it.
        #expect(openedThrough(directories, directory + "/g") == openedWhole(directory + "/g"))
    }

    @Test func theRootDirectoryIsADirectory() {
        let directories = DirectoryOfPaths()
        #expect(openedThrough(directories, "/etc") == openedWhole("/etc"))
        #expect(openedThrough(directories, "/nonexistent-bale-test") == openedWhole("/nonexistent-bale-test"))
    }
}
