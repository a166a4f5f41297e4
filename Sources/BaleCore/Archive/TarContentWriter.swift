/// Writes the content of a tar stream's regular files, one after another,
/// to an output (standard output for `bale cat`), as `tar -xO` does: the
/// bytes only, no headers, no names; directories, symbolic links, devices
/// and FIFOs write nothing. A sparse file's holes are written as zeros
/// (the reader gives them as content), an unknown header type's data as a
/// regular file's (GNU tar extracts it as one). A hard link writes nothing
/// here, as in `tar -xO`: its content is its target's, which the indexed
/// path hands over under the link's name (`IndexedSelection`).
///
/// A name `unpack` would refuse (a ".." component, a NUL byte) is refused
/// here too, as `tar -xO` refuses it ("Member name contains '..'"): its
/// content was written, exit 0, where neither tar nor `unpack` gives it.
///
/// Each piece is written as it comes, unbuffered: the collector hands
/// over a member's data (4 MiB) at a time, and a small file's content
/// comes in one piece, one write, as GNU tar writes it.
public struct TarContentWriter: TarReader.Handler {
    private let output: any OutputSink
    private let exclusions: ExclusionPatterns
    private var writing = false
    private var refusals: [Diagnostic] = []

    /// Writes to `output` the content of the entries `exclusions` leaves.
    public init(output: any OutputSink, exclusions: ExclusionPatterns = ExclusionPatterns()) {
        self.output = output
        self.exclusions = exclusions
    }

    public mutating func begin(_ entry: TarEntry) throws(BaleError) {
        switch entry.special {
        case .volumeLabel?, .dumpDirectory?: writing = false
        case .continuation?, .paxContinuation?:
            // A file's rest from another volume: its start is not here, so
            // none of it is written, and it is said, as `unpack` and GNU
            // tar -xO say it (bale cat wrote nothing, exit 0).
            writing = false
            if !exclusions.excludes(entry.name) {
                refusals.append(.error(path: entry.displayName, TarEntry.Special.continuationRefusal + "; not written"))
            }
        case .unknownType?, .contiguous?, nil: writing = entry.kind == .file
        }
        if writing && exclusions.excludes(entry.name) { writing = false }
        // Any entry of such a name, not only a file's: a hard link (or a
        // symbolic link, a directory) named `../x` wrote nothing, exit 0,
        // where `tar -xO` refuses the member (a probe helper).
        let mayBeWritten = writing || entry.special == nil && !exclusions.excludes(entry.name)
        if mayBeWritten, case .failure(let refused) = TarExtractor.components(entry.name) {
            refusals.append(.error(path: entry.displayName, "\(refused.reason); not written"))
            writing = false
        }
    }

    public mutating func content(_ bytes: UnsafeRawBufferPointer) throws(BaleError) {
        guard writing, bytes.count > 0 else { return }
        try output.write(bytes)
    }

    public mutating func end() throws(BaleError) { writing = false }

    public mutating func finish() -> [Diagnostic] { refusals }
}
