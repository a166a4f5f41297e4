import BaleCore
import FuzzSupport

/// Feeds the input to `GzipHeader.parse` as the start of a gzip file, from
/// any tool: every flag (FTEXT, FHCRC, FEXTRA with bale's "BL" subfield or
/// others, FNAME, FCOMMENT) and any length, including cut short.
///
/// Must hold: no crash, no read past the input (ASan), and the answer is
/// about the header's bytes only: a header found is no longer than the
/// input, parsing just its bytes finds the same header, and any shorter
/// start of it needs more bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzipHeader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    guard case .header(let header) = GzipHeader.parse(input) else { return 0 }
    require(header.length >= 10 && header.length <= input.count, "header length \(header.length) of \(input.count)")
    // Copies, so ASan sees a read past the shorter buffer.
    let exact = Array(input[0..<header.length])
    exact.withUnsafeBytes { require(GzipHeader.parse($0) == .header(header), "the header's own bytes parse differently") }
    for cut in Set([0, 1, 2, 9, 10, 11, header.length / 2, header.length - 2, header.length - 1]) where cut < header.length {
        let start = Array(input[0..<max(0, cut)])
        start.withUnsafeBytes { require(GzipHeader.parse($0) == .needMoreBytes, "a \(cut)-byte start is not incomplete") }
    }
    return 0
}

runFuzzer(fuzzGzipHeader)
