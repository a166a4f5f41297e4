#if canImport(Glibc)
import Glibc
#endif

/// A worker's view of the parent's `SharedArena`: the inputs mapped
/// read-only (descriptor 3, itself opened read-only by the parent, so the
/// worker could not map it for writing if it tried) and the outputs mapped
/// read-write (descriptor 4), each as long as the file is.
///
/// Every region a request names is checked against these mappings before
/// a byte is touched: a broken frame cannot make the worker read or write
/// outside the arena. The pages a region covers are mapped in by one call
/// the first time this worker touches them (`ArenaPrefaulter`).
final class WorkerArena {
    private let inputs: UnsafeRawBufferPointer
    private let outputs: UnsafeMutableRawBufferPointer
    private let inputPrefaulter = ArenaPrefaulter(for: .read)
    private let outputPrefaulter = ArenaPrefaulter(for: .write)

    /// Maps the arena the worker inherited; throws when it has none.
    init() throws(CodecError) {
        func map(_ fd: Int32, _ protection: Int32) throws(CodecError) -> UnsafeMutableRawBufferPointer {
            var status = stat()
            guard fstat(fd, &status) == 0, status.st_size > 0 else {
                throw CodecError.corrupt("a request names the arena, and this worker was given none (descriptor \(fd))")
            }
            let size = Int(status.st_size)
            guard let base = mmap(nil, size, protection, MAP_SHARED, fd, 0), base != MAP_FAILED else {
                throw CodecError.worker("cannot map the arena: \(SystemError.current("mmap").reason)")
            }
            return UnsafeMutableRawBufferPointer(start: base, count: size)
        }
        inputs = UnsafeRawBufferPointer(try map(SharedArena.workerInputs, PROT_READ))
        outputs = try map(SharedArena.workerOutputs, PROT_READ | PROT_WRITE)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: inputs.baseAddress), inputs.count)
        munmap(outputs.baseAddress, outputs.count)
    }

    /// The input `region` names, its pages mapped in.
    func input(of region: ArenaRegion) throws(CodecError) -> UnsafeRawBufferPointer {
        guard region.inputOffset <= inputs.count, region.inputLength <= inputs.count - region.inputOffset else {
            throw CodecError.corrupt("an input region past the arena")
        }
        let input = UnsafeRawBufferPointer(rebasing: inputs[region.inputOffset..<(region.inputOffset + region.inputLength)])
        inputPrefaulter.prefault(input.count, of: input.baseAddress!, key: region.inputOffset)
        return input
    }

    /// The room `region` gives for the answer, the pages of its first
    /// `expected` bytes (what the answer will likely fill) mapped in.
    func output(of region: ArenaRegion, expecting expected: Int) throws(CodecError) -> UnsafeMutableRawBufferPointer {
        guard region.outputOffset <= outputs.count, region.outputCapacity <= outputs.count - region.outputOffset else {
            throw CodecError.corrupt("an output region past the arena")
        }
        let room = UnsafeMutableRawBufferPointer(
            rebasing: outputs[region.outputOffset..<(region.outputOffset + region.outputCapacity)])
        outputPrefaulter.prefault(min(expected, room.count), of: room.baseAddress!, key: region.outputOffset)
        return room
    }
}
