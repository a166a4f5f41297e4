import Testing
@testable import BaleCore
import CSystem

#if canImport(Glibc)
import Glibc
#endif

/// The batched first touches of the arena (`ArenaPrefaulter`): a slot's
/// pages are in the memfd once the parent has prefaulted them, before any
/// byte is written, and prefaulting leaves the bytes already there as they
/// are, from a start that is not on a page boundary too.
@Suite struct ArenaPrefaulterTests {
    /// Whether this kernel takes MADV_POPULATE_WRITE (Linux 5.14).
    static let kernelPopulates: Bool = {
        let size = 4096
        guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              base != MAP_FAILED else { return false }
        defer { munmap(base, size) }
        return madvise(base, size, MADV_POPULATE_WRITE) == 0
    }()

    /// The bytes of the memfd behind `fd` that hold pages.
    private func allocatedBytes(_ fd: Int32) -> Int {
        var status = stat()
        #expect(fstat(fd, &status) == 0)
        return Int(status.st_blocks) * 512
    }

    @Test(.enabled(if: kernelPopulates, "the kernel does not take MADV_POPULATE_WRITE (Linux < 5.14)"))
    func aSlotsPagesAreAllocatedBeforeAByteIsWritten() throws {
        let arena = try SharedArena(layout: SharedArena.Layout(slots: 2, inputPart: 256 << 10, outputPart: 64 << 10))
        let inputs = arena.workerDescriptors[0]
        #expect(allocatedBytes(inputs) == 0)
        let slot = try #require(arena.claimSlot())
        slot.prefaultInput(100_000)
        #expect(allocatedBytes(inputs) >= 100_000)
        #expect(allocatedBytes(inputs) < 256 << 10, "only the bytes asked for, rounded to pages")
    }

    @Test(.enabled(if: kernelPopulates, "the kernel does not take MADV_POPULATE_WRITE (Linux < 5.14)"))
    func prefaultingKeepsTheBytesThere() throws {
        let size = 64 << 10
        let fd = bale_memfd_create("bale-prefault-test")
        #expect(fd >= 0 && ftruncate(fd, off_t(size)) == 0)
        defer { close(fd) }
        let base = try #require(mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0))
        defer { munmap(base, size) }
        let bytes = base.bindMemory(to: UInt8.self, capacity: size)
        // Bytes in the second and fourth pages only; the first stays a hole.
        let written = [4200: UInt8(1), 4999: 2, 13000: 3]
        for (index, value) in written { bytes[index] = value }
        // A part starting mid-page, as a slot's does when its size is no multiple of a page.
        let prefaulter = ArenaPrefaulter(for: .write)
        prefaulter.prefault(size - 5000, of: base + 5000, key: 1)
        #expect(allocatedBytes(fd) == size - 4096, "every page from the one holding the part's start")
        for (index, value) in written { #expect(bytes[index] == value) }
    }
}
