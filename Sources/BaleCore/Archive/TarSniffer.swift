import Synchronization

/// Tells, for `bale verify -`, whether a decompressed stream is a tar: the
/// first 512 bytes are held back until they can be judged as a tar header
/// (its checksum, over unsigned or signed bytes, as readers accept it);
/// a tar goes on to the tar sink whole, anything else is only decompressed
/// (its members' CRCs and sizes checked), as `gunzip -t` would. What it
/// holds back and what it decided are reachable only under its lock.
final class TarSniffer<H: TarReader.Handler>: OutputSink, Sendable {
    private let tar: TarStreamSink<H>

    private struct State {
        var held: [UInt8] = []
        var decided: Bool?
    }

    private let state = Mutex(State())

    init(tar: TarStreamSink<H>) { self.tar = tar }

    /// True when the stream began with a tar header (known once 512 bytes
    /// were written, or at the end).
    var isTar: Bool { state.withLock { $0.decided ?? false } }

    func write(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        let forward: [UInt8]? = state.withLock { state in
            switch state.decided {
            case true?: return nil
            case false?: return []
            case nil:
                state.held += bytes
                guard state.held.count >= 512 else { return [] }
                let isTar = Self.looksLikeTarHeader(state.held[0..<512])
                state.decided = isTar
                defer { state.held = [] }
                return isTar ? state.held : []
            }
        }
        if let forward {
            if !forward.isEmpty { try typedThrows(BaleError.self) { try forward.withUnsafeBytes { try tar.write($0) } } }
        } else {
            try tar.write(bytes)
        }
    }

    /// A ustar, GNU or v7 header: a name, and the checksum its field records.
    static func looksLikeTarHeader(_ block: ArraySlice<UInt8>) -> Bool {
        let header = Array(block)
        guard header[0] != 0 else { return false }
        let field = header[148..<156].drop(while: { $0 == 0x20 }).prefix(while: { $0 != 0 && $0 != 0x20 })
        guard !field.isEmpty, field.allSatisfy({ (0x30...0x37).contains($0) }),
              let recorded = Int(String(decoding: field, as: UTF8.self), radix: 8) else { return false }
        var unsigned = 0, signed = 0
        for (index, byte) in header.enumerated() {
            let value = (148..<156).contains(index) ? 0x20 : byte
            unsigned += Int(value)
            signed += Int(Int8(bitPattern: value))
        }
        return recorded == unsigned || recorded == signed
    }
}
