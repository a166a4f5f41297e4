/// The names of the directories an extraction finishes at the end (their
/// times and modes: `TarExtractor.finishInOrder`), kept as a tree: each
/// directory is its parent's place and its own last component, once.
///
/// Kept as whole paths, the names took the square of a tree's depth: a
/// chain 20,000 directories deep (a .tar.gz of 3 MB) held 400 MB of
/// paths, and one 65,536 deep, the most a name may have
/// (`TarExtractor.maximumDepth`), would have held 4 GB; GNU tar refuses
/// such names. As a tree they take each component once, ~100 bytes a
/// directory, and a directory's place is found from the places of the
/// components it shares with the name before (`place(of:known:)`), so an
/// archive's usual order costs one lookup per new component, not a hash
/// of the whole path.
struct DirectoryNames {
    /// A directory: where its parent is (`destination` for one at the
    /// top) and its last component.
    private struct Node {
        var parent: Int32
        var leaf: [UInt8]
    }

    /// A directory's identity in the tree: its parent's place and its last
    /// component (the component shares the node's storage).
    private struct Key: Hashable {
        var parent: Int32
        var leaf: [UInt8]
    }

    /// The parent of the directories at the top: the destination itself.
    static let destination: Int32 = -1

    private var nodes: [Node] = []
    private var places: [Key: Int32] = [:]

    /// How many directories the tree holds (those named and their parents).
    var count: Int { nodes.count }

    /// The place of the directory whose path below the destination is
    /// `parts`, added (with any of its parents not there yet) when new.
    /// `known` holds the places of `parts`' first components, as a caller
    /// found them for the name before (its components shared with this
    /// one: `TarExtractor.SplitName.places`); it is extended to all of
    /// `parts`. `parts` must not be empty.
    mutating func place(of parts: [[UInt8]], known: inout [Int32]) -> Int32 {
        precondition(!parts.isEmpty, "the destination has no place")
        if known.count > parts.count { known.removeSubrange(parts.count...) }
        for part in parts[known.count...] {
            let key = Key(parent: known.last ?? Self.destination, leaf: part)
            if let place = places[key] {
                known.append(place)
            } else {
                let place = Int32(nodes.count)
                nodes.append(Node(parent: key.parent, leaf: part))
                places[key] = place
                known.append(place)
            }
        }
        return known[parts.count - 1]
    }

    /// The path of the directory at `place`, its components joined by
    /// slashes (for a message).
    func path(of place: Int32) -> [UInt8] {
        var leaves: [[UInt8]] = []
        var at = place
        while at != Self.destination {
            leaves.append(nodes[Int(at)].leaf)
            at = nodes[Int(at)].parent
        }
        return TarExtractor.path(of: Array(leaves.reversed()))
    }

    /// Calls `visit` with every directory's place and path (its
    /// components), each directory after every one below it, so that a
    /// directory is finished after the ones in it (their opens need its
    /// search permission, which its mode may take away). The order is that
    /// of their paths with a slash after each (`a-/` before `a/` before
    /// `a/b/`), last first: siblings in the reverse order of their names,
    /// each with all below it. One pass over the tree, the path kept as
    /// it goes (not built for each directory).
    func visitDeepestFirst(_ visit: (Int32, [[UInt8]]) -> Void) {
        // Each directory's children, together and in the reverse order of
        // their names: counted by parent, placed, then sorted in each group.
        let count = nodes.count
        var starts = [Int](repeating: 0, count: count + 2)  // by parent + 1
        for node in nodes { starts[Int(node.parent) + 2] += 1 }
        for index in 1..<starts.count { starts[index] += starts[index - 1] }
        var filled = starts
        var children = [Int32](repeating: 0, count: count)
        for (place, node) in nodes.enumerated() {
            children[filled[Int(node.parent) + 1]] = Int32(place)
            filled[Int(node.parent) + 1] += 1
        }
        for group in 0..<(count + 1) where starts[group + 1] - starts[group] > 1 {
            children[starts[group]..<starts[group + 1]].sort { Self.followsWithSlash(nodes[Int($0)].leaf, nodes[Int($1)].leaf) }
        }
        // Depth first, without recursion (a chain may be 65,536 deep): each
        // level the directory there and the next of its children to go into.
        var path: [[UInt8]] = []
        var levels: [(place: Int32, next: Int)] = [(Self.destination, starts[0])]
        while let level = levels.last {
            let (place, next) = (level.place, level.next)
            if next < starts[Int(place) + 2] {
                levels[levels.count - 1].next += 1
                let child = children[next]
                path.append(nodes[Int(child)].leaf)
                levels.append((child, starts[Int(child) + 1]))
                continue
            }
            levels.removeLast()
            guard place != Self.destination else { break }
            visit(place, path)
            path.removeLast()
        }
    }

    /// Whether `first` + "/" sorts after `second` + "/", byte by byte (no
    /// component holds a slash, so no two differ only after it).
    private static func followsWithSlash(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        let slash = UInt8(ascii: "/")
        for index in 0..<min(first.count, second.count) where first[index] != second[index] {
            return first[index] > second[index]
        }
        if first.count == second.count { return false }
        return first.count > second.count ? first[second.count] > slash : slash > second[first.count]
    }
}
