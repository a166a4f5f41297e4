#if canImport(Glibc)
import Glibc
#endif
import CSystem
import Synchronization

/// The memory bale shares with its worker processes, so that a chunk's
/// bytes and its result cross between them without going through a pipe.
///
/// Before the arena, every byte of a chunk was copied six times between
/// user and kernel memory: read into an array, written down the worker's
/// pipe, read from it into another array, compressed, written back up the
/// result pipe, read into a third array, written out. Now a reader reads
/// (pread) straight into a slot's input part, the worker compresses or
/// inflates from there into the slot's output part, and the collector
/// writes from the output part: the pipes carry only the frames that hand
/// a slot over and say how long the result is (`ArenaRegion`). A chunk of
/// a regular file (`gzip FILE`) uses only a slot's output part: its bytes
/// are spliced from the file into the worker's pipe (`FileChunkCutter`),
/// which costs less than a copy into the arena and its pages.
///
/// Two anonymous files in memory (memfd), both mapped by the parent and by
/// every worker: `inputs`, which workers may only read (they get a
/// read-only descriptor, so no worker can spoil a chunk that may have to
/// be sent again to its replacement), and `outputs`, which the parent only
/// reads. They are cut into `layout.slots` slots, one per chunk the job may
/// hold (the reorder window, and one for the result being written), so the
/// arena is the memory bound, not an addition to it. Pages are taken only
/// when first touched.
///
/// A slot is claimed by a reader and owned by an `ArenaSlot`, whose end
/// (the last copy of its chunk and of its result dropped) puts it back on
/// the free list. Claiming never waits: the reorder window already bounds
/// the chunks in a job (`ReorderBuffer.admit`), and a chunk that finds no
/// free slot (the result being written still holds one) travels in its
/// frame's payload as before, so the arena adds no wait that could
/// deadlock.
public final class SharedArena: @unchecked Sendable {  // the mappings never change after init; a slot's bytes belong to its `ArenaSlot`, the free list is under its Mutex
    /// How the arena is cut.
    public struct Layout: Sendable, Equatable {
        /// How many slots.
        public var slots: Int
        /// Bytes of a slot's input part: the most a chunk or member sent in it may hold.
        public var inputPart: Int
        /// Bytes of a slot's output part: the most a result written in it may hold.
        public var outputPart: Int

        public init(slots: Int, inputPart: Int, outputPart: Int) {
            self.slots = slots
            self.inputPart = inputPart
            self.outputPart = outputPart
        }

        /// The layout for jobs with `options` on `workers` workers: a slot
        /// for every chunk of the reorder window and one for the result
        /// being written; each part a chunk and a sixteenth (a member of a
        /// chunk at deflate's worst case, with its header and trailer, for
        /// every codec: zlib's bound adds about 0.03%, libdeflate's and
        /// ISA-L's less than 1%).
        public static func forJobs(_ options: PipelineOptions, workers: Int) -> Layout {
            let part = options.chunkSize + options.chunkSize / 16 + 4096
            return Layout(slots: options.window(workers: workers) + 1, inputPart: part, outputPart: part)
        }
    }

    /// The descriptor numbers the arena has in a worker: its inputs, read-only.
    public static let workerInputs: Int32 = 3
    /// ... and its outputs, read-write.
    public static let workerOutputs: Int32 = 4

    /// How the arena is cut.
    public let layout: Layout
    /// The descriptors a worker inherits, in the order of `workerInputs`
    /// and `workerOutputs`: a read-only one on the inputs, the outputs.
    let workerDescriptors: [Int32]
    private let inputs: Int32
    private let inputBase: UnsafeMutableRawPointer
    private let outputBase: UnsafeRawPointer
    /// The free slots, the most recently freed last, and for every slot
    /// the worker it was last claimed for (nil: none yet, or a claim for
    /// no worker); whether the arena is to be unmapped once every slot is
    /// free (`unmapWhenIdle`), and whether it is.
    private struct Slots {
        var free: [Int]
        var lastWorker: [Int?]
        var closing = false
        var unmapped = false
    }
    private let slots: Mutex<Slots>
    /// The parent's first touches, batched: of the inputs, which readers
    /// write; of the outputs, which the collector reads.
    private let inputPrefaulter = ArenaPrefaulter(for: .write)
    private let outputPrefaulter = ArenaPrefaulter(for: .read)

    /// Creates and maps an arena cut as `layout` says.
    public init(layout: Layout) throws(SystemError) {
        precondition(layout.slots > 0 && layout.inputPart > 0 && layout.outputPart > 0)
        self.layout = layout
        let inputBytes = layout.slots * layout.inputPart
        let outputBytes = layout.slots * layout.outputPart
        var opened: [Int32] = []
        var mapped: [(UnsafeMutableRawPointer, Int)] = []
        do throws(SystemError) {
            let inputs = try Self.memoryFile("bale-inputs", size: inputBytes)
            opened.append(inputs)
            let outputs = try Self.memoryFile("bale-outputs", size: outputBytes)
            opened.append(outputs)
            // The workers' descriptor on the inputs is opened read-only, so
            // that they cannot map it for writing.
            let readOnly = try Self.above(open("/proc/self/fd/\(inputs)", O_RDONLY | O_CLOEXEC), "open the arena read-only")
            opened.append(readOnly)
            let inputMap = try Self.map(inputs, bytes: inputBytes, protection: PROT_READ | PROT_WRITE)
            mapped.append((inputMap, inputBytes))
            let outputMap = try Self.map(outputs, bytes: outputBytes, protection: PROT_READ)
            mapped.append((outputMap, outputBytes))
            self.inputs = inputs
            workerDescriptors = [readOnly, outputs]
            inputBase = inputMap
            outputBase = UnsafeRawPointer(outputMap)
        } catch {
            for (base, bytes) in mapped { munmap(base, bytes) }
            for fd in opened { FileIO.close(fd) }
            throw error
        }
        slots = Mutex(Slots(free: Array((0..<layout.slots).reversed()),
                            lastWorker: Array(repeating: nil, count: layout.slots)))
    }

    deinit {
        if !slots.withLock({ $0.unmapped }) { unmap() }
    }

    private func unmap() {
        munmap(inputBase, layout.slots * layout.inputPart)
        munmap(UnsafeMutableRawPointer(mutating: outputBase), layout.slots * layout.outputPart)
        FileIO.close(inputs)
        for fd in workerDescriptors { FileIO.close(fd) }
    }

    /// Unmaps the arena and closes its descriptors once no slot is held:
    /// now, or when the last slot held is freed, by the thread that frees
    /// it. Its pages are freed then, not when the last reference to it
    /// goes (`WorkerPool.retire` calls this once its workers are gone, on
    /// its own thread; the slots still held are results the extractor's
    /// writer threads are writing files from, `LentBytes`). No slot can be
    /// claimed after it.
    func unmapWhenIdle() {
        let idle = slots.withLock { slots -> Bool in
            slots.closing = true
            return Self.unmapsNow(&slots, of: layout.slots)
        }
        if idle { unmap() }
    }

    /// Whether an arena closing with every one of its `count` slots free
    /// is to be unmapped now (by the caller, once only).
    private static func unmapsNow(_ slots: inout Slots, of count: Int) -> Bool {
        guard slots.closing, !slots.unmapped, slots.free.count == count else { return false }
        slots.unmapped = true
        return true
    }

    /// A free slot, now owned by the caller; nil when every slot is taken
    /// (the chunk then travels in its frame).
    public func claimSlot() -> ArenaSlot? {
        let index = slots.withLock { slots -> Int? in
            guard !slots.closing, let index = slots.free.popLast() else { return nil }
            slots.lastWorker[index] = nil
            return index
        }
        return index.map { ArenaSlot(arena: self, index: $0) }
    }

    /// A free slot for a result worker number `worker` (its place in the
    /// pool) will write, now owned by the caller; nil when every slot is
    /// taken.
    ///
    /// Each page of the arena costs, once per run, its allocation (zeroed)
    /// and a mapping in each process that touches it (README, "Where the missed rows
    /// lose"),
    /// so the claim takes, in this order: the slot this worker used most
    /// recently (its pages allocated and mapped in that worker already),
    /// the one freed most recently (allocated, and mapped in the parent),
    /// and only then one never used. Claimed as the chunk is sent, not as
    /// it is cut (`Chunk.resultArena`), a job then touches only the few
    /// slots its chunks in flight and its results waiting hold at once,
    /// each in the worker that uses it.
    func claimSlot(for worker: Int) -> ArenaSlot? {
        let index = slots.withLock { slots -> Int? in
            guard !slots.closing else { return nil }
            let pick = slots.free.lastIndex { slots.lastWorker[$0] == worker } ?? slots.free.indices.last
            guard let pick else { return nil }
            let index = slots.free.remove(at: pick)
            slots.lastWorker[index] = worker
            return index
        }
        return index.map { ArenaSlot(arena: self, index: $0) }
    }

    /// Whether the arena has been unmapped (`unmapWhenIdle`).
    var isUnmapped: Bool { slots.withLock { $0.unmapped } }

    /// How many slots are free now.
    public var freeSlots: Int { slots.withLock { $0.free.count } }

    /// Puts slot `index` back (only `ArenaSlot.deinit` calls this).
    func release(_ index: Int) {
        let last = slots.withLock { slots -> Bool in
            slots.free.append(index)
            return Self.unmapsNow(&slots, of: layout.slots)
        }
        if last { unmap() }
    }

    /// Slot `index`'s input part, where a reader puts its chunk.
    func inputPart(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: inputBase + index * layout.inputPart, count: layout.inputPart)
    }

    /// Maps in the first `count` bytes of slot `index`'s input part, in one
    /// call, the first time this process writes that far into it.
    func prefaultInput(_ index: Int, count: Int) {
        inputPrefaulter.prefault(count, of: inputBase + index * layout.inputPart, key: index)
    }

    /// Maps in the first `count` bytes of slot `index`'s output part, in
    /// one call, the first time this process reads that far into it.
    func prefaultOutput(_ index: Int, count: Int) {
        outputPrefaulter.prefault(count, of: outputBase + index * layout.outputPart, key: index)
    }

    /// Slot `index`'s output part, where a worker puts its result.
    func outputPart(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: outputBase + index * layout.outputPart, count: layout.outputPart)
    }

    /// A memfd of `size` bytes, numbered above the descriptors a worker is
    /// given (so posix_spawn's dup2 of one cannot overwrite another).
    private static func memoryFile(_ name: String, size: Int) throws(SystemError) -> Int32 {
        let fd = try above(bale_memfd_create(name), "memfd_create \(name)")
        if ftruncate(fd, off_t(size)) != 0 {
            let error = SystemError.current("ftruncate \(name)")
            FileIO.close(fd)
            throw error
        }
        return fd
    }

    /// `fd` moved to a number above the ones a worker is given; throws
    /// when `fd` is -1 (the call that made it failed).
    private static func above(_ fd: Int32, _ operation: String) throws(SystemError) -> Int32 {
        if fd < 0 { throw SystemError.current(operation) }
        if fd > workerOutputs { return fd }
        let moved = bale_dup_cloexec_above(fd, workerOutputs + 1)
        let error = SystemError.current(operation)
        FileIO.close(fd)
        if moved < 0 { throw error }
        return moved
    }

    private static func map(_ fd: Int32, bytes: Int, protection: Int32) throws(SystemError) -> UnsafeMutableRawPointer {
        guard let base = mmap(nil, bytes, protection, MAP_SHARED, fd, 0), base != MAP_FAILED else {
            throw SystemError.current("mmap the arena")
        }
        return base
    }
}
