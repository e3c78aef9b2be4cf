// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "LeadRelay",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "leadrelay", targets: ["leadrelay"]),
        .library(name: "LeadRelayCore", targets: ["LeadRelayCore"]),
        .library(name: "CRMSimulator", targets: ["CRMSimulator"]),
        .library(name: "LeadRelayTesting", targets: ["LeadRelayTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        .target(
            name: "LeadRelayCore",
            dependencies: [.product(name: "Collections", package: "swift-collections")],
            swiftSettings: strict
        ),
        .target(
            name: "LeadRelayHTTP",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LeadRelayNotify",
            dependencies: ["LeadRelayCore", "LeadRelayHTTP", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "LeadRelayCRM",
            dependencies: [
                "LeadRelayCore", "LeadRelayHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LeadRelayStore",
            dependencies: ["LeadRelayCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .target(
            name: "LeadRelayEngine",
            dependencies: [
                "LeadRelayCore", "LeadRelayHTTP", "LeadRelayCRM", "LeadRelayNotify", "LeadRelayStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CRMSimulator",
            dependencies: [
                "LeadRelayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                // Only to post the status callbacks a Twilio-style provider sends (never the product's transport).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LeadRelayCLI",
            dependencies: [
                "LeadRelayCore", "LeadRelayHTTP", "LeadRelayCRM", "LeadRelayStore", "LeadRelayEngine", "CRMSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "leadrelay",
            dependencies: [
                "LeadRelayCLI",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Test support shipped as a library (as HummingbirdTesting is): the in-memory store, the contract every store
        // back end passes, a manual clock.
        .target(name: "LeadRelayTesting", dependencies: ["LeadRelayCore"], swiftSettings: strict),
        // Shared by the test targets (not shipped): the slots that keep simulator-backed tests from starving each other.
        .target(name: "LeadRelayTestSupport", dependencies: ["CRMSimulator", .product(name: "Logging", package: "swift-log"),
                                                           .product(name: "_CryptoExtras", package: "swift-crypto")],
                path: "Tests/LeadRelayTestSupport", swiftSettings: strict),
        .testTarget(name: "LeadRelayCoreTests", dependencies: ["LeadRelayCore", "LeadRelayTestSupport"], swiftSettings: strict),
        .testTarget(name: "LeadRelayHTTPTests", dependencies: ["LeadRelayHTTP", "CRMSimulator", "LeadRelayTestSupport"], swiftSettings: strict),
        .testTarget(name: "LeadRelayCRMTests", dependencies: ["LeadRelayCRM", "LeadRelayHTTP", "CRMSimulator", "LeadRelayTestSupport"],
                    exclude: ["VendorPayloads"], swiftSettings: strict),
        .testTarget(name: "LeadRelayStoreTests", dependencies: ["LeadRelayStore", "LeadRelayTesting", .product(name: "GRDB", package: "GRDB.swift")],
                    swiftSettings: strict),
        .testTarget(name: "LeadRelayEngineTests", dependencies: ["LeadRelayEngine", "LeadRelayHTTP", "LeadRelayNotify", "CRMSimulator", "LeadRelayTestSupport", "LeadRelayTesting",
                                                            .product(name: "GRDB", package: "GRDB.swift")],
                    exclude: ["Golden"], swiftSettings: strict),
        .testTarget(name: "CRMSimulatorTests", dependencies: ["CRMSimulator", "LeadRelayTestSupport"], swiftSettings: strict),
        .testTarget(name: "LeadRelayCLITests", dependencies: ["LeadRelayCLI", "LeadRelayHTTP", "CRMSimulator", "LeadRelayStore", "leadrelay", "LeadRelayTestSupport"],
                    swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
