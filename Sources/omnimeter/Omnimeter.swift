import ArgumentParser

@main
struct Omnimeter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "omnimeter",
        abstract: "A multi-tenant usage and cost-accounting gateway in front of the Kling Omni API.",
        subcommands: [Serve.self, Migrate.self, Export.self, UpstreamSimulatorCommand.self]
    )
}
