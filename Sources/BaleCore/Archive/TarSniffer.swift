import Synchronization

/// Tells, for `bale verify`, whether an archive's content is a tar: the
/// first 512 bytes of the tar stream (decompressed, or a plain file's own)
/// are held back until they can be judged as a tar header (see
/// `TarHeader.looksLikeHeader`); a tar goes on to the tar sink whole. The bytes
/// decide, not the name (which can only add the check, see
/// `UnpackCommand.nameSaysTar`): `BACKUP.TGZ`, `b.tar.GZ` or
/// `backup.tar.gz.1` holding a tar were checked as gzip alone, and said
/// "OK" over a tar stream cut inside a file, where `unpack` fails (found
/// by a probe). Anything else is, from a
/// gzip, only decompressed (its members' CRCs and sizes checked), as
/// `gunzip -t` would; a plain file that is no tar is refused with
/// `refusal`, the error `gunzip -t` gives ("not in gzip format"), as soon
/// as the first block says so. What it holds back and what it decided are
/// reachable only under its lock.
final class TarSniffer<H: TarReader.Handler>: OutputSink, Sendable {
    private let tar: TarStreamSink<H>
    /// The error for content that is no tar; nil to take it silently.
    private let refusal: BaleError?

    private struct State {
        var held: [UInt8] = []
        var decided: Bool?
        var written: Int64 = 0
    }

    private let state = Mutex(State())

    init(tar: TarStreamSink<H>, refusal: BaleError? = nil) {
        self.tar = tar
        self.refusal = refusal
    }

    /// True when the stream began with a tar header, false when it did
    /// not: known once 512 bytes were written, or after `finish` (nil before).
    var isTar: Bool? { state.withLock { $0.decided } }

    /// The bytes written to it so far, tar or not (what `verify` of a
    /// plain .gz counts as the data it checked).
    var bytesWritten: Int64 { state.withLock { $0.written } }

    func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        let forward: [UInt8]? = state.withLock { state in
            state.written += Int64(bytes.count)
            switch state.decided {
            case true?: return nil
            case false?: return []
            case nil:
                state.held += bytes
                guard state.held.count >= TarHeader.blockSize else { return [] }
                return decide(&state)
            }
        }
        try pass(forward, else: bytes)
    }

    /// Judges what is held when the stream ended before a whole block: a
    /// tar header cut short (its magic there) goes on to the tar sink,
    /// which says it is shorter than one header; a few bytes of anything
    /// else are no tar.
    func finish() throws(BaleError) {
        let forward: [UInt8]? = state.withLock { state in
            state.decided == nil ? decide(&state) : []
        }
        try pass(forward, else: nil)
    }

    /// Decides on the bytes held, and returns those the tar sink gets.
    private func decide(_ state: inout State) -> [UInt8] {
        // A plain file that begins with a zero block is an empty tar (`tar
        // cf - -T /dev/null`: two of them), as `tar tf` reads it; not so a
        // gzip's content, which could be any zeros (a disk image), checked
        // as gunzip -t checks it.
        let first = state.held.prefix(TarHeader.blockSize)
        let isTar = TarHeader.looksLikeHeader(first)
            || refusal != nil && first.count == TarHeader.blockSize && first.allSatisfy { $0 == 0 }
        state.decided = isTar
        defer { state.held = [] }
        return isTar ? state.held : []
    }

    /// Passed on to the tar sink, which names from it the entries a gzip
    /// member failing its check may have changed: dropped here (the
    /// protocol's default), `verify` of a one-member .tar.gz damaged in its
    /// first entry named only the last ("in or after three"), where `unpack`
    /// names them all (a probe helper). A member that begins while the
    /// first block is still held is marked before those bytes: at an
    /// earlier entry, so more are named, never fewer.
    func gzipMemberBegins() {
        tar.gzipMemberBegins()
    }

    /// Passed on to the tar sink, as `gzipMemberBegins`.
    func inputPauses() {
        tar.inputPauses()
    }

    /// Hands the tar sink `forward` (nil: `bytes`, the stream being a
    /// tar), or refuses what is no tar.
    private func pass(_ forward: [UInt8]?, else bytes: UnsafeRawBufferPointer?) throws(BaleError) {
        if let refusal, state.withLock({ $0.decided == false }) { throw refusal }
        if let forward {
            if !forward.isEmpty { try tar.write(forward) }
        } else if let bytes {
            try tar.write(bytes)
        }
    }
}
