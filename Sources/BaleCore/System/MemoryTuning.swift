#if canImport(Glibc)
import Glibc
#endif
import CSystem

/// Keeps the chunk-sized buffers of the pipeline in the heap.
///
/// glibc serves allocations over its mmap threshold (128 KiB, rising
/// dynamically to at most 32 MiB) with a fresh mmap and returns them with
/// munmap, so every 1–4 MiB chunk buffer would cost a page fault for each
/// 4 KiB page it touches. Raising the threshold above the largest chunk
/// makes freed buffers reusable at once. The pipeline's memory is bounded
/// by its reorder window, so the heap cannot grow with the input.
public enum MemoryTuning {
    public static func apply() {
        bale_keep_large_buffers_in_heap(256 << 20, 512 << 20)
    }
}
