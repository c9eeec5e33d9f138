import ArgumentParser

/// Where results go and how tables print; shared by the commands that read or write results.
struct OutputOptions: ParsableArguments {
    @Option(help: "The results database (SQLite).")
    var db: String = "results.sqlite"

    @Flag(help: "Print tables as CSV.")
    var csv = false

    @Flag(help: "Print tables as JSON.")
    var json = false
}
