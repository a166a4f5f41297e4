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
        case .file(let fd):
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
            directories.withDirectory(of: raw) { directory in
                path.withCString { DigestTarget.open($0, listedSize: 1, in: directory) }
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
            "/\(base.dropFirst())/top",
        ]
        let directories = DirectoryOfPaths()
        for path in paths {
            #expect(openedThrough(directories, path) == openedWhole(path), "\(path)")
        }
        directories.close()
        // A path without a directory opens as itself, relative to the
        // working directory (not changed here: tests run side by side).
        #expect(openedThrough(directories, "bale-test-no-such-name") == openedWhole("bale-test-no-such-name"))
    }

    @Test func theRootDirectoryIsADirectory() {
        let directories = DirectoryOfPaths()
        #expect(openedThrough(directories, "/etc") == openedWhole("/etc"))
        #expect(openedThrough(directories, "/nonexistent-bale-test") == openedWhole("/nonexistent-bale-test"))
    }
}
