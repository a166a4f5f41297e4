/// A path as bytes cut at its last slash: the directory it names its
/// file in and the file's name. Outputs need both: their temporary file
/// goes in the same directory (`AtomicOutputFile`), which is synced
/// after the rename, and a link is read relative to its own directory
/// (`OutputDestination`).
struct PathParts {
    /// The directory as given before the last slash, nil when the path
    /// holds none (the working directory); "/" for a file of the root.
    var given: [UInt8]?
    /// The name after the last slash.
    var name: [UInt8]

    init(_ path: [UInt8]) {
        guard let slash = path.lastIndex(of: UInt8(ascii: "/")) else {
            given = nil
            name = path
            return
        }
        given = slash == path.startIndex ? [UInt8(ascii: "/")] : Array(path[..<slash])
        name = Array(path[(slash + 1)...])
    }

    /// True for `.` and `..`, the names every directory holds of itself
    /// and of its parent: a listing leaves them out (`TreeWalk`), and a
    /// name that is one of them always exists (`RecursiveGzip`).
    static func isSelfOrParent(_ name: [UInt8]) -> Bool {
        name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")]
    }

    /// The directory, to open or examine: "." for none.
    var directory: [UInt8] { given ?? [UInt8(ascii: ".")] }

    /// What goes before a name to put it in the same directory: the
    /// directory and a slash, or nothing.
    var prefix: [UInt8] {
        guard let given else { return [] }
        return given == [UInt8(ascii: "/")] ? given : given + [UInt8(ascii: "/")]
    }
}
