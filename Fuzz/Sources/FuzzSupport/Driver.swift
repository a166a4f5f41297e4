#if canImport(Glibc)
import Glibc
#endif
import CFuzzSupport

/// Runs libFuzzer with this process's command line (its options, corpus
/// directories or crash files), calling `test` on each input; exits with
/// libFuzzer's status.
///
/// SwiftPM links each executable with a main of its own, so a target's
/// main.swift calls this instead of relying on libFuzzer's main.
public func runFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, test))
}

/// Stops the run as a finding (libFuzzer saves the input as a crash file)
/// when a property the target checks does not hold. `fatalError`, not
/// `precondition`: its message is kept in release builds.
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz property failed: \(message())") }
}
