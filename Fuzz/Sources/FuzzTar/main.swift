import BaleCore
import FuzzSupport

/// What a `TarReader` reports, with each entry's content joined, so that
/// reports of the same stream cut differently can be compared.
struct Report: TarReader.Handler, Equatable {
    enum Event: Equatable {
        case begin(TarEntry)
        case content([UInt8])
        case hole(Int64)
        case end
        case error(String)
    }
    var events: [Event] = []
    var finished = false
    var insideEntry = false
    /// The content bytes still due for the entry begun last.
    private var due: Int64?

    mutating func begin(_ entry: TarEntry) throws(BaleError) {
        require(due == nil, "an entry begins inside another")
        require(entry.size >= 0, "negative size \(entry.size)")
        events.append(.begin(entry))
        due = entry.size
    }

    mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        require(due != nil && Int64(bytes.count) <= due!, "content past the entry's size")
        due! -= Int64(bytes.count)
        if case .content(let before) = events.last {
            events[events.count - 1] = .content(before + bytes)
        } else {
            events.append(.content(Array(bytes)))
        }
    }

    mutating func hole(_ length: Int64) throws(BaleError) {
        require(length > 0, "an empty hole")
        require(due != nil && length <= due!, "a hole past the entry's size")
        due! -= length
        events.append(.hole(length))
    }

    mutating func end() throws(BaleError) {
        require(due == 0, "an entry ends with \(due.map(String.init) ?? "no entry") bytes due")
        events.append(.end)
        due = nil
    }

    func finish() -> [Diagnostic] { [] }
}

/// Reads the input with a fresh `TarReader`, fed the pieces `cuts`.
func read(_ input: UnsafeRawBufferPointer, cuts: [Range<Int>]) -> Report {
    var reader = TarReader(archiveName: "fuzz.tar")
    var report = Report()
    for cut in cuts {
        do throws(BaleError) {
            try reader.feed(UnsafeRawBufferPointer(rebasing: input[cut]), to: &report)
        } catch {
            report.events.append(.error(error.description))
            break
        }
    }
    report.finished = reader.isFinished
    report.insideEntry = reader.isInsideEntry
    return report
}

/// Feeds the input to `TarReader` as a tar stream (ustar, GNU long names
/// 'L'/'K', pax 'x'/'g' records overriding path, size and mtime, GNU
/// sparse files old and pax, the odd header types), first
/// whole, then cut in pieces of 1 to 2000 bytes (`pieces(of:)`).
///
/// Must hold: no crash, no hang, no allocation the archive chooses (pax
/// and long-name bodies are bounded: -rss_limit_mb); entries do not nest
/// and get exactly their size in content and holes; and the cut does not matter:
/// both reads report the same entries, contents, ends and error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTar(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let whole = read(input, cuts: [0..<size])
    let cut = read(input, cuts: pieces(of: size))
    require(whole == cut, "the reader reports differently when the stream is cut in pieces")
    return 0
}

runFuzzer(fuzzTar)
