#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed system call: the errno it left and the operation that failed.
public struct SystemError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The errno value.
    public var code: Int32
    /// The call that failed, e.g. "write".
    public var operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// The errno of the last failed call, named by `operation`.
    public static func current(_ operation: String) -> SystemError {
        SystemError(code: errno, operation: operation)
    }

    /// The C library's text for the code, as gzip and tar print it ("No such file or directory").
    public var reason: String { String(cString: strerror(code)) }

    public var description: String { "\(operation): \(reason)" }
}

/// Runs a system call that returns -1 on failure, retrying while it fails with EINTR.
///
/// This is the one place EINTR is retried (the idea of swift-system's
/// `valueOrErrno(retryOnInterrupt:)`): every read, write, open and wait goes
/// through it, so a signal arriving mid-call never looks like an error.
@inline(__always)
public func retryingOnInterrupt<T: BinaryInteger>(
    _ operation: String, _ call: () -> T
) throws(SystemError) -> T {
    while true {
        let result = call()
        if result != -1 { return result }
        if errno == EINTR { continue }
        throw SystemError.current(operation)
    }
}

/// Calls a rethrowing API (such as `withUnsafeBytes`) whose closure can
/// only throw `E`, and gives the error its type back.
@inline(__always)
public func typedThrows<T, E: Error>(_ type: E.Type, _ body: () throws -> T) throws(E) -> T {
    do { return try body() } catch let error as E { throw error } catch {
        preconditionFailure("unexpected error \(error)")
    }
}
