import Testing
@testable import BaleCore

/// `PaxRecords` answers as the dictionary it replaced: a keyword set again
/// takes its new value, one set to nil is gone, and one never set is nil.
@Suite struct PaxRecordsTests {
    @Test func behavesAsADictionaryOfKeywords() {
        var records = PaxRecords()
        #expect(records.isEmpty)
        #expect(records["mtime"] == nil)
        records["mtime"] = Array("1.5".utf8)
        records["GNU.sparse.realsize"] = Array("10".utf8)
        records["mtime"] = Array("2".utf8)
        #expect(!records.isEmpty)
        #expect(records["mtime"] == Array("2".utf8))
        #expect(records["GNU.sparse.realsize"] == Array("10".utf8))
        #expect(records["GNU.sparse.size"] == nil)
        #expect(records.removeValue(forKey: "mtime") == Array("2".utf8))
        #expect(records["mtime"] == nil)
        #expect(records.removeValue(forKey: "mtime") == nil)
        records["GNU.sparse.realsize"] = nil
        #expect(records.isEmpty)
        // An empty value is kept: it deletes the header's field (POSIX).
        records["uname"] = []
        #expect(records["uname"] == [])
    }
}
