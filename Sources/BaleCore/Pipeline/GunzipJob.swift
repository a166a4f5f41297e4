#if canImport(Glibc)
import Glibc
#endif

/// Decompresses one gzip input into a sink: bale's own members in
/// parallel on the workers (`MemberChunkCutter`), then whatever follows,
/// or a whole foreign file, in one streaming pass (`GzipStreamDecoder`);
/// a file that starts with another tool's member goes to that pass
/// without the workers.
/// Used by `bale gunzip`, `bale unpack`, `bale list` and `bale verify`.
///
/// Two things travel from the parallel pass to the streaming one:
/// - where to go on: where the cutter stopped (the end member, another
///   tool's member), or, when a worker found that a member does not check
///   out against the sizes its header records, the first member not yet
///   written. Recorded sizes are hints; the streaming decoder trusts only
///   the deflate data, so a valid file is read whole whatever they say, and
///   a damaged one is reported where the damage really is;
/// - the `StreamEndCheck`, fed each member as its data is written, in
///   order, so that a bale stream cut between members is reported as
///   truncated whichever pass met its end.
public enum GunzipJob {
    /// What a finished decompression saw.
    public struct Report: Sendable {
        public var ending: GzipStreamDecoder.Ending
        /// Members decompressed in parallel.
        public var parallelMembers: UInt64
        /// Compressed bytes read: a regular file's size, a stream's bytes
        /// read (the caller's `head` among them).
        public var compressedBytes: Int64
    }

    /// Members of a file a worker holds at once in the parallel pass (their
    /// data goes to arena slots): the one it inflates, none waiting in its
    /// pipe (`PipelineOptions.inFlightPerWorker` is two for the other jobs,
    /// and for a stream's members, whose data comes back in the reply frame).
    ///
    /// Why: each member in flight holds an arena slot for its data (4 MiB),
    /// and so does each inflated member waiting for an earlier one to be
    /// written; a run touches as many slots as it ever holds at once, and
    /// every page of a slot it touches costs, once a run, its allocation, a
    /// page-table entry in the worker and one in bale, and their undoing at
    /// exit: on a virtual machine a page fault costs about 4 µs, and a slot
    /// some 2% of the CPU time of `gunzip` of the 238 MB `text` corpus.
    /// With one member waiting in each pipe, that run's workers mapped 10
    /// to 13 slots, bale 9 to 12; with none, 4 to 7 and 4 to 5 (`perf
    /// record -e syscalls:sys_enter_madvise`). The worker then waits for
    /// its next member for the time bale takes to see its answer and send
    /// another (a wake-up of the receiver and of the feeder, a splice):
    /// small next to inflating 4 MiB (about 5 ms). CPU 0.92–0.96×, wall
    /// 0.82–0.98× (`bale gunzip -p 2 -c FILE > /dev/null`, docs/performance-history.md,
    /// "One member in flight").
    static let membersInFlightToArena = 1

    /// The codec a run inflates with: `codec` (`--codec`), but zlib for a
    /// verdict on the file (`judging`, see `run`), in both passes. The one
    /// rule for every caller.
    static func inflatingCodec(_ codec: Codec, judging: Bool) -> Codec {
        judging ? .zlib : codec
    }

    /// Whether the streaming pass inflates with zlib rather than ISA-L
    /// (`inflatingCodec`).
    static func inflatesStreamsWithZlib(codec: Codec, judging: Bool) -> Bool {
        inflatingCodec(codec, judging: judging) == .zlib
    }

    /// Decompresses `input` into `sink`. For a stream, `head` holds its
    /// first bytes when the caller already read them (to tell gzip from
    /// tar, say): they are read first, as if still in the stream.
    /// `copiesTrailingBytes`: see `GzipStreamDecoder.decode` (zcat -f).
    /// `judging`: the run is a verdict on the file (`gunzip -t`,
    /// `verify`), whose streaming pass inflates with zlib, as GNU gzip
    /// judges: a file is "OK" only when gzip could read it too. ISA-L, the
    /// streaming pass's inflater otherwise (about 1.5 times zlib's speed
    /// here), takes a dynamic block whose Huffman code does not fill its
    /// code space; zlib, libdeflate (bale's own members), GNU gzip, pigz
    /// and python refuse it ("invalid literal/lengths set"). Such a member,
    /// its CRC-32 right (a probe helper's 44 bytes of "hello, world"), was
    /// "OK" to `gunzip -t` and `verify`, exit 0. Decompressing keeps ISA-L:
    /// what it writes is checked against each member's CRC-32 and length,
    /// as igzip writes it. `gunzip -t` of the bench's 86 MB GNU gzip file:
    /// 0.29 s with ISA-L, 0.44 s with zlib (GNU gzip 1.03 s, pigz 0.66 s).
    /// bale's own members too are inflated by zlib on the workers then:
    /// libdeflate decodes the length symbols 286 and 287, which zlib and
    /// gzip refuse ("invalid literal/length code"), as lengths of 258, and
    /// `verify` said OK of a bale file made so (a probe helper's), exit 0,
    /// where `gunzip -t` of the same small file (the streaming pass) said
    /// what gzip says.
    /// `streamStoppedAt` is told how far a stream was read when the
    /// streaming pass ends, however it ends (`Report.compressedBytes` says
    /// it when it ends well).
    public static func run(
        input: Int32, inputName: String, seekable: Bool, head: [UInt8] = [], codec: Codec, pipeline: Pipeline,
        copiesTrailingBytes: Bool = false, judging: Bool = false, streamStoppedAt: (Int64) -> Void = { _ in },
        sink: any OutputSink
    ) throws(BaleError) -> Report {
        precondition(head.isEmpty || !seekable, "a file is read in place")
        let cutter = MemberChunkCutter(fd: input, path: inputName, seekable: seekable, head: head,
                                       arena: pipeline.workers.arena)
        let checking = CheckingSink(target: sink, unwritten: cutter.unwritten, path: inputName)
        // A file's members are inflated into arena slots: one in flight per
        // worker, not two (`membersInFlightToArena`), and no more waiting
        // than the writing needs (`PipelineOptions.holdsOnlyWhatWorkersNeed`).
        // A stream's come back in their reply frames, and keep the next one
        // waiting in the pipe.
        var members = pipeline
        if seekable && pipeline.workers.arena != nil {
            members.options.inFlightPerWorker = membersInFlightToArena
            members.options.holdsOnlyWhatWorkersNeed = true
        }
        // A file whose first member is another tool's skips the parallel
        // pass: it would stop at that member anyway, after starting the
        // workers for nothing (two processes started and ended beside the
        // one thread that does the work). The streaming decoder then starts
        // where the pass would have left it, at the file's start.
        if !(seekable && isForeignFile(input)) {
            do {
                _ = try members.run(cutter: cutter, kind: .inflate(inflatingCodec(codec, judging: judging)),
                                    inputName: inputName, sink: checking)
            } catch {
                // A member that does not check out against its hints, or a
                // member cut short: the streaming decoder reads on from the
                // first member not written, and decides.
                switch error {
                case .corrupt, .failedCheck, .truncated: break
                default: throw error
                }
            }
        }
        let resume = cutter.resumePoint(from: checking.written)
        if seekable, lseek(input, off_t(resume.offset), SEEK_SET) < 0 {
            throw .readFailed(path: inputName, .current("lseek"))
        }
        // The streaming pass goes on from `resume.offset`, with the bytes
        // the parallel one read past it (`resume.prefix`), to where it
        // stops: for a stream, that is every byte read (the parallel pass
        // counted only the members it wrote; a foreign stream, none: 0).
        var streamEnd: Int64 = 0
        let ending = try GzipStreamDecoder.decode(
            fd: input, path: inputName, prefix: resume.prefix, startOffset: resume.offset,
            membersBefore: checking.written, check: checking.check,
            zlibOnly: inflatesStreamsWithZlib(codec: codec, judging: judging),
            copiesTrailingBytes: copiesTrailingBytes,
            stoppedAt: { streamEnd = $0; streamStoppedAt($0) }, sink: sink)
        var info = stat()
        let compressed = seekable && fstat(input, &info) == 0 ? Int64(info.st_size) : streamEnd
        return Report(ending: ending, parallelMembers: checking.written, compressedBytes: compressed)
    }

    /// Whether the file's first member (a file is read from its start, as
    /// the parallel pass reads it) has a header that parses and is not
    /// bale's (no recorded sizes: another tool's, or bale's end member of
    /// an empty input); false when it is bale's, or when its first bytes
    /// do not tell (the parallel pass decides then).
    private static func isForeignFile(_ input: Int32) -> Bool {
        var probe = [UInt8](repeating: 0, count: 4096)
        let got = probe.withUnsafeMutableBytes { pread(input, $0.baseAddress!, $0.count, 0) }
        guard got > 0 else { return false }
        return probe.withUnsafeBytes { bytes -> Bool in
            guard case .header(let header) = GzipHeader.parse(UnsafeRawBufferPointer(rebasing: bytes[0..<got])) else {
                return false
            }
            return header.recordedSizes == nil
        }
    }

    /// Between the collector and the real sink: gives each member, as its
    /// data is written in order, to the end check (with the member's
    /// facts from its chunk's context), crosses it off the cutter's
    /// unwritten members, and counts them. Only the collector thread
    /// writes here (`@unchecked Sendable`); the counts are read after the
    /// pipeline joined it.
    private final class CheckingSink: ResultSink, @unchecked Sendable {
        let target: any OutputSink
        let unwritten: UnwrittenMembers
        let path: String
        private(set) var check = StreamEndCheck()
        private(set) var written: UInt64 = 0

        init(target: any OutputSink, unwritten: UnwrittenMembers, path: String) {
            self.target = target
            self.unwritten = unwritten
            self.path = path
        }

        func write(_ result: ChunkResult<MemberChunkCutter.Member>) throws(BaleError) {
            let member = result.context
            unwritten.written(result.sequence)
            try check.dataMember(promisesEnd: member.promisesEnd, at: member.offset, length: member.length,
                                 dataLength: result.reply.outputLength, crc: member.crc, path: path)
            try result.reply.writeOutput(to: target)
            written += 1
        }
    }
}
