import Foundation
import Testing
@testable import BaleCore

/// A file `gzip -r` listed as a regular file, whose name holds something
/// else by the time it is read, with the same inode number (the file
/// removed, and its inode given to what took its name: ext4 gives it at
/// once): said as replaced, by what, as `pack` says it. It was "read
/// error: Illegal seek" for a FIFO, "Is a directory" for a directory (a
/// probe helper). The listing is made by hand here: the FIFO's own
/// status, but a regular file's type, as the walk saw the name before.
@Suite struct ListedFileReaderTests {
    @Test func aFileReplacedByAFIFOOfItsInodeIsSaidSo() throws {
        let directory = NSTemporaryDirectory() + "bale-listed-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/f"
        #expect(mkfifo(path, 0o644) == 0)
        var listed = stat()
        #expect(stat(path, &listed) == 0)
        listed.st_mode = S_IFREG | 0o644
        listed.st_size = 10
        let (bytes, problem) = ListedFileReader.read(SourceFile(path: Array(path.utf8), info: listed),
                                                     offset: 0, length: 10, isLast: true)
        #expect(bytes.isEmpty)
        #expect(problem == .unreadable("replaced by a FIFO since it was listed"))
    }
}
