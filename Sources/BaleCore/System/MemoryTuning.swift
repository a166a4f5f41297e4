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
///
/// And, under a limit on the address space (`ulimit -v`: a batch
/// scheduler's memory limit, as Slurm's VSizeFactor or Grid Engine's
/// h_vmem set it), one malloc arena for all threads. glibc gives each
/// thread that allocates an arena of its own, reserving 128 MiB of
/// address space for it; under the limit that reservation fails, and
/// glibc tries again at every allocation of that thread (15,000 failed
/// mmaps in an `unpack` of 300 files under `ulimit -v 300000`), using a
/// shared arena each time and leaving errno ENOMEM behind a malloc that
/// succeeded: an errno read after any allocation was wrong (it made
/// `unpack` refuse every entry, "Cannot allocate memory"). One arena
/// makes no reservation to fail. Without a limit nothing changes: the
/// threads keep arenas of their own, so that readers and writers
/// allocating at once do not wait on one lock.
public enum MemoryTuning {
    /// Sets the allocator up: once, first thing in `main`, in the parent and in every worker.
    public static func apply() {
        bale_keep_large_buffers_in_heap(256 << 20, 512 << 20)
        _ = bale_one_arena_under_address_space_limit()
    }
}
