import Foundation
import Testing
@testable import BaleCore

#if canImport(Glibc)
import Glibc
#endif

/// `TreeWalk` on its own: order, cancellation, and the bound on open
/// directory descriptors.
@Suite struct TreeWalkUnitTests {
    /// A fresh directory holding `tree` (relative paths; a trailing "/" makes a directory).
    private static func makeTree(_ tree: [String]) throws -> String {
        let root = NSTemporaryDirectory() + "bale-walk-" + UUID().uuidString
        let files = FileManager.default
        try files.createDirectory(atPath: root, withIntermediateDirectories: true)
        for path in tree {
            if path.hasSuffix("/") {
                try files.createDirectory(atPath: root + "/" + path, withIntermediateDirectories: true)
            } else {
                #expect(files.createFile(atPath: root + "/" + path, contents: Data(path.utf8)))
            }
        }
        return root
    }

    private static func names(_ walk: TreeWalk, limit: Int = .max, afterEach: () -> Void = {}) -> [String] {
        var names: [String] = []
        while names.count < limit, let event = walk.next() {
            if case .entry(let entry) = event { names.append(String(decoding: entry.name, as: UTF8.self)) }
            afterEach()
        }
        return names
    }

    @Test func walksDepthFirstInByteOrder() throws {
        let root = try Self.makeTree(["b/", "b/z", "b/a", "B", "a/", "a/c/", "a/c/x"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let walk = TreeWalk(tops: [(Array(root.utf8), Array("t".utf8))], policy: TreeWalkPolicy())
        #expect(Self.names(walk) == ["t", "t/B", "t/a", "t/a/c", "t/a/c/x", "t/b", "t/b/a", "t/b/z"])
    }

    /// Parts of a `--shard` run that remove what they take, at once: a
    /// directory found gone after its parent was listed (or after it was
    /// examined, before it was entered) is passed over in silence, for
    /// every `pack` part keeps every directory and any part may remove one
    /// it emptied; a regular file this part takes, found gone, is still a
    /// problem (here the one part takes everything).
    @Test func goneDirectoriesOfOtherPartsArePassedOver() throws {
        let root = try Self.makeTree((0..<5).flatMap { ["d\($0)/", "d\($0)/f", "g\($0)"] })
        defer { try? FileManager.default.removeItem(atPath: root) }
        var policy = TreeWalkPolicy()
        policy.partsRemoveTheirFiles = Shard(index: 1, count: 1)
        let walk = TreeWalk(tops: [(Array(root.utf8), Array("t".utf8))], policy: policy)
        var events: [String] = []
        while let event = walk.next() {
            switch event {
            case .entry(let entry): events.append(String(decoding: entry.name, as: UTF8.self))
            case .problem(let problem): events.append("gone: " + String(decoding: problem.path, as: UTF8.self).replacingOccurrences(of: root, with: "t"))
            }
            if events == ["t", "t/d0"] {  // t listed, d0 examined: the rest goes
                for index in 0..<5 { try? FileManager.default.removeItem(atPath: root + "/d\(index)") }
                for index in 0..<3 { try? FileManager.default.removeItem(atPath: root + "/g\(index)") }
            }
        }
        #expect(events == ["t", "t/d0", "gone: t/g0", "gone: t/g1", "gone: t/g2", "t/g3", "t/g4"])
    }

    @Test func stopsWhenCancelled() throws {
        let root = try Self.makeTree((0..<50).map { "f\($0)" })
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cancellation = Cancellation()
        let walk = TreeWalk(tops: [(Array(root.utf8), [])], policy: TreeWalkPolicy(), cancellation: cancellation)
        let first = Self.names(walk, limit: 3)
        #expect(first.count == 3)
        cancellation.cancel()
        #expect(walk.next() == nil)
        #expect(walk.next() == nil)
    }

    /// A tree deeper than the bound: the walk never holds more directory
    /// descriptors than `maximumOpenDirectories`, and still lists it all.
    @Test func holdsABoundedNumberOfDescriptors() throws {
        let depth = TreeWalk.maximumOpenDirectories * 3
        var tree: [String] = []
        var path = ""
        for level in 0..<depth {
            path += "d/"
            tree.append(path)
            if level % 50 == 0 { tree.append(path + "f") }
        }
        tree.append(path + "last")
        let root = try Self.makeTree(tree)
        defer { try? FileManager.default.removeItem(atPath: root) }
        // The descriptors open on directories of this tree (other tests
        // run in this process at the same time, with descriptors of their own).
        func openDescriptors() -> Int {
            let listed = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return listed.count { descriptor in
                let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + descriptor)
                return target?.hasPrefix(root) ?? false
            }
        }
        var most = 0
        let walk = TreeWalk(tops: [(Array(root.utf8), [])], policy: TreeWalkPolicy())
        let names = Self.names(walk) { most = max(most, openDescriptors()) }
        #expect(names.count == tree.count + 1)  // the top too
        #expect(names.contains(path + "last"))
        #expect(most <= TreeWalk.maximumOpenDirectories, "at most \(most) open")
        #expect(most > 0)
    }
}
