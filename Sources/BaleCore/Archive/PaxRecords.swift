/// The pax records of a header, by keyword, as `TarReader` keeps them:
/// the entry's own ('x'), the global ones ('g'), and the keywords GNU's
/// long-name headers stand for ('L', 'K').
///
/// A list searched by comparing keywords, not a dictionary: the reader
/// keeps only the keywords it knows (`TarReader.knownKeywords`, 29), a
/// header holds a few of them (bale's own: one, `mtime`), and the reader
/// asks for some fifteen keywords an entry. Through a dictionary each ask
/// hashed its keyword: 3% of `unpack`'s samples on an archive of 40,000
/// small files with a pax time each; a short keyword compares in one step.
/// Setting a keyword again replaces its value, as a dictionary did.
struct PaxRecords {
    private var records: [(keyword: String, value: [UInt8])] = []

    var isEmpty: Bool { records.isEmpty }

    subscript(keyword: String) -> [UInt8]? {
        get {
            for record in records where record.keyword == keyword { return record.value }
            return nil
        }
        set {
            let index = records.firstIndex { $0.keyword == keyword }
            switch (index, newValue) {
            case (let index?, let value?): records[index].value = value
            case (let index?, nil): records.remove(at: index)
            case (nil, let value?): records.append((keyword, value))
            case (nil, nil): break
            }
        }
    }

    /// Removes `keyword`'s record; its value, if there was one.
    mutating func removeValue(forKey keyword: String) -> [UInt8]? {
        defer { self[keyword] = nil }
        return self[keyword]
    }
}
