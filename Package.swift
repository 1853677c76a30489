// swift-tools-version:6.0
import PackageDescription

// Modules, lowest first: CLibPQ -> Postgres -> (Pricing, Kling) -> Accounting -> Gateway -> omnimeter.
// Pricing and Kling are pure (no I/O) so they are tested without a database.
let package = Package(
    name: "omnimeter",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "omnimeter", targets: ["omnimeter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ"),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "Pricing"),
        .target(name: "Kling", dependencies: ["Pricing"]),
        .target(
            name: "Accounting",
            dependencies: [
                "Postgres", "Pricing", "Kling",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "Accounting", "Kling", "Pricing", "Postgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [
                .embedInCode("OpenAPI/openapi.json"),
                // the console's templates and stylesheet (Sources/Gateway/Console/Templates)
                .embedInCode("Console/Templates/layout.mustache"),
                .embedInCode("Console/Templates/login.mustache"),
                .embedInCode("Console/Templates/error.mustache"),
                .embedInCode("Console/Templates/overview.mustache"),
                .embedInCode("Console/Templates/tenants.mustache"),
                .embedInCode("Console/Templates/tenant.mustache"),
                .embedInCode("Console/Templates/tasks.mustache"),
                .embedInCode("Console/Templates/ledger.mustache"),
                .embedInCode("Console/Templates/prices.mustache"),
                .embedInCode("Console/Templates/reports.mustache"),
                .embedInCode("Console/Templates/reconcile.mustache"),
                .embedInCode("Console/Templates/audit.mustache"),
                .embedInCode("Console/Templates/portal.mustache"),
                .embedInCode("Console/Templates/style.css"),
                .embedInCode("Console/Templates/deliveries.mustache"),
                .embedInCode("Console/Templates/statements.mustache"),
                .embedInCode("Console/Templates/channels.mustache"),
                .embedInCode("Console/Templates/events.mustache"),
            ]
        ),
        .target(
            name: "Simulator",
            dependencies: [
                "Kling", "Pricing",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "omnimeter",
            dependencies: [
                "Gateway", "Simulator", "Postgres", "Accounting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // What the test targets share: the test database, tenants and keys made through the stores, tasks,
        // ledger probes, the callback receiver, the seeded generator. A library, since test targets
        // cannot depend on each other.
        .target(
            name: "TestSupport",
            dependencies: [
                "Accounting", "Postgres", "Kling", "Pricing",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport"
        ),
        // The price book and the pricing rules alone: pure, no database.
        .testTarget(name: "PricingTests", dependencies: ["Pricing"]),
        .testTarget(name: "KlingTests", dependencies: ["Kling", "Pricing", "TestSupport"]),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "TestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        // Accounting against a real PostgreSQL: ledger, reserve, settle, invariants.
        .testTarget(name: "AccountingTests", dependencies: ["Accounting", "Postgres", "Pricing", "Kling", "TestSupport"]),
        // The HTTP APIs in-process against a real PostgreSQL and the simulator.
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Simulator", "Accounting", "Postgres", "Kling", "Pricing", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AdminTests",
            dependencies: [
                "Gateway", "Accounting", "Postgres", "Kling", "Pricing", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Reports, exports and reconcile against a real PostgreSQL, the routes in-process.
        .testTarget(name: "ReportsTests", dependencies: ["Gateway", "Accounting", "Postgres", "Kling", "Pricing", "TestSupport", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(
            name: "SimulatorTests",
            dependencies: [
                "Simulator", "Kling", "Pricing", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
