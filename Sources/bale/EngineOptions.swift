import ArgumentParser
import BaleCore

/// `-p/--jobs` and `--io-threads`, which every command takes.
struct EngineOptions: ParsableArguments {
    @Option(name: [.customShort("p"), .customLong("jobs")], help: "Worker processes (default: online cores).")
    var jobs: Int?

    @Option(name: .customLong("io-threads"), help: "I/O threads: reading files (gzip, pack), writing them (unpack).")
    var ioThreads: Int = 2

    func validate() throws {
        guard jobs.map({ $0 >= 1 && $0 <= 256 }) ?? true else { throw ValidationError("-p takes 1 to 256 jobs") }
        guard (1...64).contains(ioThreads) else { throw ValidationError("--io-threads takes 1 to 64") }
    }

    /// The engine settings these options ask for.
    var settings: EngineSettings {
        var settings = EngineSettings()
        settings.jobs = jobs ?? 0
        settings.pipeline.ioThreads = ioThreads
        return settings
    }
}
