import ArgumentParser

struct UpstreamSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upstream-simulator",
        abstract: "Serve a Kling Omni compatible upstream for demos and tests."
    )

    @Option(help: "HOST:PORT to listen on.")
    var listen: String = "127.0.0.1:8091"

    func run() async throws {
        Startup.fail("upstream-simulator: not built yet")
    }
}
