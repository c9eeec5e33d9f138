import ArgumentParser
import GoMemSimEngine

/// Go runtime settings, named as Go names them; shared by `replay`, `sweep` and `compare`.
struct RuntimeOptions: ParsableArguments {
    @Option(help: "GOGC: a percentage or 'off'.")
    var gogc: String = "100"

    @Option(help: "GOMEMLIMIT: bytes with an optional B/KiB/MiB/GiB/TiB suffix, or 'none'.")
    var gomemlimit: String = "none"

    @Option(help: "GOMAXPROCS.")
    var gomaxprocs: Int = 2

    @Option(help: "GODEBUG settings, e.g. madvdontneed=0,gctrace=1.")
    var godebug: String = ""

    @Option(help: "Machine profile: a preset name or a JSON file.")
    var profile: String = "default"
}
