#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Testing
@testable import BaleCore

/// The readers ask the kernel to read a range ahead only when it is not
/// in the page cache already (`ReadAhead`), which they tell with
/// `bale_byte_is_cached`.
@Suite struct ReadAheadTests {
    /// A file of `size` bytes in the temporary directory, written and
    /// read back, so in the page cache; its descriptor and path.
    private static func cachedFile(size: Int) -> (fd: Int32, path: String)? {
        var template = Array("/tmp/bale-readahead-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { return nil }
        let bytes = [UInt8](repeating: 7, count: size)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == size, fsync(fd) == 0 else { return nil }
        return (fd, String(cString: template))
    }

    /// Whether the temporary directory's file system says which pages are
    /// cached (tmpfs does not: EOPNOTSUPP).
    static func fileSystemTells() -> Bool {
        guard let (fd, path) = cachedFile(size: 4096) else { return false }
        defer { close(fd); unlink(path) }
        return bale_byte_is_cached(fd, 0) == 1
    }

    /// O_DIRECT, which Swift does not import (glibc defines it only with
    /// _GNU_SOURCE): its value on x86-64, and on arm64 and the others.
    #if arch(x86_64)
    private static let directFlag: Int32 = 0o40000
    #else
    private static let directFlag: Int32 = 0o200000
    #endif

    /// A file of `size` bytes (a multiple of 4096) written around the
    /// page cache (O_DIRECT), so not in it; nil where the file system
    /// takes no O_DIRECT.
    private static func uncachedFile(size: Int) -> (fd: Int32, path: String)? {
        var template = Array("/tmp/bale-readahead-XXXXXX".utf8CString)
        let made = mkstemp(&template)
        guard made >= 0 else { return nil }
        close(made)
        let path = String(cString: template)
        let fd = open(path, O_RDWR | Self.directFlag)
        guard fd >= 0 else {
            unlink(path)
            return nil
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 4096)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 7)
        let written = write(fd, buffer.baseAddress, size)
        close(fd)
        // Read through a descriptor of its own: one opened O_DIRECT reads
        // around the cache too.
        let reading = open(path, O_RDONLY)
        guard written == size, reading >= 0 else {
            if reading >= 0 { close(reading) }
            unlink(path)
            return nil
        }
        return (reading, path)
    }

    /// Whether the page of `fd` at `offset` is in the page cache, as
    /// mincore(2) says of a mapping of it: without reading it, as a
    /// probe that misses starts a read ahead of its own.
    private static func resident(_ fd: Int32, at offset: Int, size: Int) -> Bool {
        guard let map = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else { return false }
        defer { munmap(map, size) }
        var pages = [UInt8](repeating: 0, count: (size + 4095) / 4096)
        guard mincore(map, size, &pages) == 0 else { return false }
        return pages[offset / 4096] & 1 == 1
    }

    @Test(.enabled(if: fileSystemTells(), "the temporary directory's file system cannot tell whether a page is cached"))
    func aRangeNotCachedIsAskedForAndReadIn() throws {
        let size = 8 << 20
        let (fd, path) = try #require(Self.uncachedFile(size: size), "O_DIRECT writes in /tmp")
        defer { close(fd); unlink(path) }
        // The middle, which nothing but the asking reads in.
        #expect(!Self.resident(fd, at: size / 2, size: size), "written around the cache")
        ReadAhead.ask(fd, offset: 0, length: Int64(size))
        // The reads were started; they end soon.
        var waited = 0
        while !Self.resident(fd, at: size / 2, size: size) && waited < 500 {
            usleep(10_000)
            waited += 1
        }
        #expect(Self.resident(fd, at: size / 2, size: size), "the range was not read in")
    }

    @Test(.enabled(if: fileSystemTells(), "the temporary directory's file system cannot tell whether a page is cached"))
    func theProbeSaysWhatIsCached() throws {
        let (fd, path) = try #require(Self.cachedFile(size: 8192))
        defer { close(fd); unlink(path) }
        #expect(bale_byte_is_cached(fd, 0) == 1 && bale_byte_is_cached(fd, 8191) == 1)
        #expect(bale_byte_is_cached(fd, 8192) == 0, "no byte there")
    }
}
