import Testing
@testable import BaleCore

/// Diagnostics collected to be said later stay bounded however many come
/// (an archive with a warning for each of a million entries of 60 kB
/// names kept gigabytes), and what is dropped is still counted, by
/// severity, with the exit status it asked for.
@Suite struct CollectedDiagnosticsTests {
    @Test func pastTheLimitsOnlyTheNumberIsKept() {
        var collected = CollectedDiagnostics()
        for index in 0..<(CollectedDiagnostics.limit + 5) {
            collected.append(.warning(path: "f\(index)", "unknown file type 'Z', extracted as normal file"))
        }
        collected.append(.error(path: "g", "File name too long; not extracted"))
        #expect(collected.kept.count == CollectedDiagnostics.limit)
        #expect(collected.notKeptCount == 6)
        let tail = collected.all.suffix(2)
        #expect(tail.map(\.line) == ["bale: 1 more error like those above not shown",
                                     "bale: 5 more warnings like those above not shown"])
        #expect(tail.map(\.exitStatus) == [.failure, .warning])
    }

    @Test func longNamesReachTheByteLimitFirst() {
        var collected = CollectedDiagnostics()
        let name = String(repeating: "n", count: 60_000)
        for _ in 0..<1_000 { collected.append(.error(path: name, "File name too long; not extracted")) }
        #expect(collected.kept.count == CollectedDiagnostics.byteLimit / 60_034)
        #expect(collected.kept.count + collected.notKeptCount == 1_000)
    }

    /// A name larger than the byte limit alone (an 8 MB pax path refused)
    /// is kept shortened: it was only counted, "1 more error like those
    /// above not shown" with none above.
    @Test func aNameOfMegabytesIsKeptShortened() {
        var collected = CollectedDiagnostics()
        collected.append(.error(path: String(repeating: "n", count: 9 << 20), "File name too long; not extracted"))
        #expect(collected.notKeptCount == 0)
        #expect(collected.all.map(\.line) == ["bale: " + String(repeating: "n", count: 4096)
                                              + "… (a name of 9437184 bytes): File name too long; not extracted"])
    }

    @Test func theRunsStatusCountsWhatItDidNotKeep() {
        let context = RunContext(quiet: true)
        for _ in 0..<CollectedDiagnostics.limit { context.report(.notice(path: nil, "n")) }
        context.report(.warning(path: nil, "w"))
        #expect(context.exitStatus == .warning)
        #expect(context.diagnosticsNotKept == 1)
    }

    /// Diagnostics found later for an earlier step (the writer threads'
    /// refusals of small files) are said at their step; those of one step
    /// as they came, whatever their severity (GNU tar says a warning and
    /// a refusal as it meets them); merged with the counts of those not
    /// kept.
    @Test func theyAreSaidInTheOrderOfTheirSteps() {
        var extractor = CollectedDiagnostics()
        var writers = CollectedDiagnostics()
        extractor.order = 1
        extractor.append(.error(path: "a", "first"))
        extractor.order = 3
        extractor.append(.error(path: "c", "third"))
        extractor.append(.error(path: "c", "third again"))
        writers.append(.error(path: "d", "fourth"), order: 4)
        writers.append(.warning(path: "b", "a warning"), order: 2)
        writers.append(.error(path: "b", "second"), order: 2)
        extractor.append(writers)
        #expect(extractor.inOrder.map(\.line) == ["bale: a: first", "bale: b: a warning", "bale: b: second",
                                                  "bale: c: third", "bale: c: third again", "bale: d: fourth"])
        #expect(extractor.all.map(\.line).first == "bale: a: first")
        #expect(extractor.worstExitStatus == .failure)
        var notKept = CollectedDiagnostics()
        for _ in 0..<CollectedDiagnostics.limit { notKept.append(.notice(path: nil, "n")) }
        notKept.append(.warning(path: nil, "w"))
        var merged = CollectedDiagnostics()
        merged.append(notKept)
        #expect(merged.worstExitStatus == .warning && merged.notKeptCount == 1)
    }

    /// A part's line "N more errors like those above not shown", given to
    /// a run that already holds all it keeps, is counted as N (`--json`'s
    /// `not_listed`: an `unpack` of 10,050 refused names said 1, a
    /// reading helper).
    @Test func aCountLineIsCountedAsWhatItCounts() {
        var part = CollectedDiagnostics()
        for index in 0..<(CollectedDiagnostics.limit + 50) { part.append(.error(path: "e\(index)", "refused")) }
        var run = CollectedDiagnostics()
        run.append(contentsOf: part.all)
        #expect(run.kept.count == CollectedDiagnostics.limit)
        #expect(run.notKeptCount == 50)
    }
}
