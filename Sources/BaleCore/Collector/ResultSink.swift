/// Where the collector hands each chunk's result, in sequence order, with
/// the context the chunk's cutter gave it.
///
/// A sink that routes results by what they are (`FileSetSink`,
/// `DigestPrinter`, gunzip's member check) reads the context; a sink that
/// only wants the output bytes in order is an `OutputSink`, adapted once
/// by `OutputBytes`. The context type is the cutter's (`ChunkCutter`),
/// so `Pipeline.run` accepts only a sink that understands its cutter.
public protocol ResultSink<Context>: Sendable {
    /// What the cutter says about each chunk.
    associatedtype Context: Sendable

    /// Takes chunk `result.sequence`'s result (called in sequence order,
    /// by the collector thread only).
    func write(_ result: ChunkResult<Context>) throws(BaleError)

    /// Whether the results that come, in order, after the run failed
    /// elsewhere (a chunk that ended worker after worker, a file that
    /// could not be read) are still written: each is whole, and comes
    /// before what failed, as the order holds the later ones back. True
    /// for a sink whose results stand alone (`sum`'s lines, as sha256sum
    /// prints those before a failure); false, the default, for one whose
    /// output the failure makes useless (a temporary file then removed).
    /// A failure of the sink's own write stops it either way.
    var writesWhatCameBeforeAFailure: Bool { get }
}

extension ResultSink {
    public var writesWhatCameBeforeAFailure: Bool { false }
}

/// Writes each result's output bytes, in order, to a byte sink, whatever
/// the chunks' context: the one adapter between the collector and the
/// sinks that only want bytes (`OutputTarget`, `EndMemberSink`,
/// `TarStreamSink`, ...).
public struct OutputBytes<Context: Sendable>: ResultSink {
    /// Where the bytes go.
    public let target: any OutputSink

    public init(_ target: any OutputSink) { self.target = target }

    public func write(_ result: ChunkResult<Context>) throws(BaleError) {
        try result.reply.writeOutput(to: target)
    }
}

extension WorkReply {
    /// Writes the output bytes of this reply to `target`: a member, the
    /// members of a batch one after another, or inflated data, from the
    /// reply's array or from its slot in the shared arena.
    func writeOutput(to target: any OutputSink) throws(BaleError) {
        switch self {
        case .compressed(let bytes), .inflated(let bytes):
            try target.write(bytes)
        case .compressedInArena(let bytes), .inflatedInArena(let bytes):
            // Straight from the slot the worker wrote it in, lent: the slot
            // is freed once this result is dropped and nothing the sink
            // kept of it holds it (`LentBytes`).
            var failure: BaleError?
            bytes.withUnsafeBytes { raw in
                do throws(BaleError) { try target.write(lent: LentBytes(raw, heldBy: bytes.slot)) } catch { failure = error }
            }
            if let failure { throw failure }
        case .compressedPieces(let members):
            var failure: BaleError?
            members.payload.withUnsafeBytes { all in
                for range in members.ranges {
                    do throws(BaleError) { try target.write(UnsafeRawBufferPointer(rebasing: all[range])) } catch {
                        failure = error
                        return
                    }
                }
            }
            if let failure { throw failure }
        case .digested, .failed:
            throw .workerFailed("a \(self.outputKind) reply has no output bytes to write")
        }
    }

    private var outputKind: String {
        switch self {
        case .digested: return "digest"
        case .failed: return "failure"
        default: return "data"
        }
    }
}
