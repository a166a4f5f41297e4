#if canImport(Glibc)
import Glibc
#endif

/// The paths given to `gzip -r` that an earlier one already covers: the
/// same file or directory named twice, or a path inside a directory named
/// before it (`bale gzip -r /var/log /var/log/app`, or `logs logs`).
///
/// GNU gzip walks its arguments one after another, lazily: by the time it
/// reaches the second, the files under it are already `.gz` and are passed
/// over in silence, and the run ends with status 0. bale lists the files
/// of all its arguments ahead of compressing them, so each file under both
/// was listed twice, and its second turn found the output of its first:
/// "already exists; not overwritten" for every file, status 2, which a
/// cron job under `set -e` takes for a failure. A covered path is dropped
/// before the walk instead: every file is done once, as GNU gzip does it.
///
/// Where a path is is taken without following its last component (a
/// symbolic link named is a link, which `-r` ignores, not the directory it
/// points at); the directories above it are resolved (`realpath`), so
/// `logs/./2026` and a link to `logs` lead to the same place. A path that
/// cannot be resolved is kept: the walk reports it.
enum CoveredPaths {
    /// `paths` in their order, less those another covers: a place named
    /// before, or a directory named before or after it (`gzip -r logs/app
    /// logs` walks `logs` alone, which holds `logs/app`). Only a real
    /// directory covers what is inside it; with `nestedToo` false (a
    /// selection by name, `--exclude`/`--include`, which a path named on
    /// its own is not held to, is in force), only the same place named
    /// again is dropped.
    static func removingCovered(_ paths: [[UInt8]], nestedToo: Bool) -> [[UInt8]] {
        let places: [(place: [UInt8], isDirectory: Bool)?] = paths.map { path in
            guard let place = place(of: path) else { return nil }
            var info = stat()
            let isDirectory = withCString(path) { lstat($0, &info) } == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            return (place, isDirectory)
        }
        // Each place by the first path that names it, and the directories
        // named, looked up for each path and each directory above it:
        // compared path with path, a list of 40,000 files (`--files-from`)
        // took 1.6 billion comparisons, 9 s before the first file was read
        // (a probe helper: 38 s for 200,000 lines).
        var firstNaming: [[UInt8]: Int] = [:]
        for (index, found) in places.enumerated() {
            if let found, firstNaming[found.place] == nil { firstNaming[found.place] = index }
        }
        let directories = nestedToo ? Set(places.compactMap { $0?.isDirectory == true ? $0?.place : nil }) : []
        return paths.indices.filter { index in
            // A path that cannot be resolved is kept: the walk reports it.
            guard let this = places[index] else { return true }
            if let first = firstNaming[this.place], first < index { return false }
            return directories.isEmpty || !hasDirectory(above: this.place, among: directories)
        }.map { paths[$0] }
    }

    /// Whether one of `directories` holds `place` (`isInside`): each
    /// directory above it looked up, the root last.
    static func hasDirectory(above place: [UInt8], among directories: Set<[UInt8]>) -> Bool {
        let slash = UInt8(ascii: "/")
        for index in place.indices.dropFirst() where place[index] == slash && index < place.count - 1 {
            if directories.contains(Array(place[..<index])) { return true }
        }
        return place.count > 1 && place.first == slash && directories.contains([slash])
    }

    /// The absolute path of `path`'s directory, resolved, and its last
    /// component as given; the whole path resolved when its last component
    /// is `.`, `..` or nothing (`d/`, `/`). Nil when it cannot be resolved.
    static func place(of path: [UInt8]) -> [UInt8]? {
        let slash = UInt8(ascii: "/")
        var trimmed = path
        while trimmed.count > 1 && trimmed.last == slash { trimmed.removeLast() }
        let last = trimmed.lastIndex(of: slash).map { Array(trimmed[(trimmed.index(after: $0))...]) } ?? trimmed
        let directory: [UInt8]
        let leaf: [UInt8]?
        if path.last == slash || last == Array(".".utf8) || last == Array("..".utf8) || trimmed == [slash] {
            (directory, leaf) = (trimmed, nil)
        } else if let cut = trimmed.lastIndex(of: slash) {
            (directory, leaf) = (cut == 0 ? [slash] : Array(trimmed[..<cut]), last)
        } else {
            (directory, leaf) = (Array(".".utf8), last)
        }
        guard let resolved = withCString(directory, { realpath($0, nil) }) else { return nil }
        defer { free(resolved) }
        var place = Array(UnsafeBufferPointer(start: UnsafeRawPointer(resolved).assumingMemoryBound(to: UInt8.self),
                                              count: strlen(resolved)))
        if let leaf {
            if place != [slash] { place.append(slash) }
            place += leaf
        }
        return place
    }

    /// Whether `place` is below the directory `directory` (both absolute).
    static func isInside(_ place: [UInt8], _ directory: [UInt8]) -> Bool {
        if directory == [UInt8(ascii: "/")] { return place.count > 1 }
        return place.count > directory.count && place.starts(with: directory)
            && place[directory.count] == UInt8(ascii: "/")
    }
}
