#if canImport(Glibc)
import Glibc
#endif

/// A manifest read a line at a time from its descriptor, as `sha256sum -c`
/// reads it (`getline`): what `sum -c` checks as it reads, so that a
/// manifest of millions of lines costs the memory of one line and the
/// files queued for the workers, not of the whole list.
///
/// Read whole, a manifest of a million lines held ~0.25 KiB a line: 252
/// MiB at the peak of `sum -c` (a probe helper), against the 160 MiB the
/// defaults promise. (`verify --manifest`, which looks names up in the
/// archive's order, keeps its lines, compactly: `ManifestFile.readStrictly`.)
///
/// Each line is taken apart by `Manifest.read(line:)`, the rule `parse`
/// uses for a whole text, and numbered from 1 with comments and blank
/// lines counted, as `--warn` numbers them. A read error is thrown where
/// it happens: the lines before it have been handed on and checked, as
/// sha256sum checks them before it says "read error".
public struct ManifestLines {
    /// One line that is a file to check or a malformed line.
    public enum Line {
        /// A file and the digest it should have, at line `number`.
        case entry(Manifest.Listed, number: Int)
        /// A line that is not well formed, at line `number`.
        case misformatted(number: Int)
    }

    /// Bytes asked of the descriptor at a time.
    static let readSize = 1 << 16

    private let fd: Int32
    private let fromStandardInput: Bool
    /// What has been read and not yet taken apart: `buffer[start...]`.
    private var buffer: [UInt8] = []
    private var start = 0
    /// How much of `buffer[start...]` is known to hold no newline, so a
    /// long line is searched once, not again at each read.
    private var searched = 0
    private var ended = false
    private var number = 0

    /// Lines of the manifest open on `fd` (which the caller closes);
    /// `fromStandardInput`: it is standard input, where a line naming
    /// `-` is malformed (`Manifest.parse`).
    public init(fd: Int32, fromStandardInput: Bool) {
        self.fd = fd
        self.fromStandardInput = fromStandardInput
    }

    /// The next line that is an entry or malformed (comments and empty
    /// lines are passed over), nil at the end of the manifest; the line
    /// form is decided and kept in `form` as in `Manifest.parse`.
    public mutating func next(form: inout Manifest.LineForm) throws(SystemError) -> Line? {
        while let line = try nextLine() {
            number += 1
            switch Manifest.read(line: line, fromStandardInput: fromStandardInput, form: &form) {
            case .passedOver: continue
            case .entry(let entry): return .entry(entry, number: number)
            case .misformatted: return .misformatted(number: number)
            }
        }
        return nil
    }

    /// The next line's bytes without its newline (the last line may have
    /// none), nil once the manifest is read.
    private mutating func nextLine() throws(SystemError) -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[(start + searched)...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1; searched = 0 }
                return buffer[start..<newline]
            }
            searched = buffer.count - start
            if ended {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count; searched = 0 }
                return buffer[start...]
            }
            // The lines taken are dropped before more is read, so the
            // buffer holds one line and one read at most.
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            let held = buffer.count
            buffer += repeatElement(0, count: Self.readSize)
            let got = try typedThrows(SystemError.self) {
                try buffer.withUnsafeMutableBytes { try FileIO.readSome(fd, into: $0.baseAddress! + held, count: Self.readSize) }
            }
            buffer.removeLast(Self.readSize - got)
            if got == 0 { ended = true }
        }
    }
}
