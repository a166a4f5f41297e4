#if canImport(Glibc)
import Glibc
#endif

/// True when `kept` holds exactly the bytes of `bytes`. With memcmp: the
/// generic `elementsEqual` went byte by byte, and `list` from an index
/// compares owner names this way for every entry (`TarLister`,
/// `ArchiveIndexDecoder`).
func sameBytes(_ kept: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    kept.count == bytes.count && kept.withUnsafeBufferPointer { kept in
        kept.isEmpty || memcmp(kept.baseAddress!, bytes.baseAddress!, bytes.count) == 0
    }
}
