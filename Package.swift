// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "canh",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "canh-agent", targets: ["canh-agent"]),
        .executable(name: "canh-collector", targets: ["canh-collector"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C libraries: declared once, each imported by exactly one Swift module.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),

        // Nouns shared by every stage: findings, levels, observations, the record format.
        .target(name: "CanhModel", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The only importer of CSystemd.
        .target(name: "Systemd", dependencies: ["CSystemd"]),
        // The only importer of COpenSSL.
        .target(name: "TLSInspection", dependencies: ["COpenSSL", "CanhModel"]),
        // The rule pack as data: loading, validation with file:line, level parameters.
        // Host configuration read as the services read it (sshd, journald, units): pure Swift.
        .target(
            name: "HostInspection",
            dependencies: [
                "CanhModel", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "CompressNIO", package: "compress-nio"),
            ]),
        .target(name: "Rules", dependencies: ["CanhModel", "Yams"]),
        // Rule packs as they travel (issue 25): the archive and its manifest, minisign signatures
        // (Ed25519, Swift Crypto), the checks an agent makes before loading a pack.
        .target(name: "RulePackDistribution", dependencies: ["CanhModel", .product(name: "Crypto", package: "swift-crypto")]),
        // Sigma rules whose log source is in the journal, converted into rule files (issue 21).
        .target(name: "SigmaImport", dependencies: ["Yams"]),
        // Alert routing (issue 9): which finding and host changes go to which channels; pure.
        .target(name: "Alerts", dependencies: ["CanhModel"]),
        // Alert delivery (issue 9): webhook, syslog and e-mail senders and the dispatcher that
        // reads the store's outbox: throttling, maintenance windows, retries.
        .target(
            name: "AlertDelivery",
            dependencies: [
                "Alerts", "CanhModel", "CollectorStore", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // Compliance and coverage reports: pure evaluation and renderers, no store.
        .target(name: "Reports", dependencies: ["Rules", "CanhModel"]),
        // Pure evaluation of rules over observations; the only importer of CPCRE2.
        .target(name: "Engine", dependencies: ["Rules", "CanhModel", "CPCRE2"]),
        // Composition root of the agent: readers → normaliser → engine → output.
        .target(
            name: "Agent",
            dependencies: [
                "Systemd", "Engine", "Rules", "CanhModel", "TLSInspection", "HostInspection", "CollectorClient", "CollectorPKI",
                "ConfigurationFile", "AgentSpool", "RulePackDistribution", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The agent's durable, bounded spool of records and the readers' checkpoints (SQLite).
        .target(name: "AgentSpool", dependencies: ["CanhModel", .product(name: "GRDB", package: "GRDB.swift")]),
        // The collector's storage interface and its SQLite implementation (GRDB).
        .target(name: "CollectorStore", dependencies: ["CanhModel", "Alerts", .product(name: "GRDB", package: "GRDB.swift")]),
        // The collector's store on PostgreSQL (postgres-nio): several collectors on one database.
        .target(
            name: "PostgresStore",
            dependencies: [
                "CanhModel", "Alerts", "CollectorStore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The collector's certificate authority: its own CA, the server certificate, agents' client
        // certificates from their CSRs (swift-certificates).
        .target(
            name: "CollectorPKI",
            dependencies: [
                "CanhModel", .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The collector's HTTPS service (Hummingbird 2): API, authentication, enrollment, ingest,
        // and the web console (server-rendered Mustache templates, compiled into the binary).
        .target(
            name: "CollectorServer",
            dependencies: [
                "CanhModel", "CollectorStore", "CollectorPKI", "Reports", "Rules", "Alerts", "RulePackDistribution",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdTLS", package: "hummingbird"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.embedInCode("Console/Templates")]),
        // The one HTTP client of the collector's API (pinned CA, client certificate or bearer token),
        // shared by the agent and the collector's command line.
        .target(
            name: "CollectorClient",
            dependencies: [
                "CanhModel", "CollectorPKI", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "Hummingbird", package: "hummingbird"), "Yams",
            ]),
        // Composition root of the collector as a library: the HTTPS service, alert delivery and the
        // periodic work over one store, as services of one group with an ordered graceful shutdown.
        .target(
            name: "CollectorService",
            dependencies: [
                "CollectorStore", "AlertDelivery", "Systemd", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"), .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "canh-collector",
            dependencies: [
                "CanhModel", "CollectorStore", "CollectorServer", "CollectorClient", "CollectorPKI", "CommandSupport", "ConfigurationFile",
                "Reports", "Rules", "Systemd", "Alerts", "AlertDelivery", "CollectorService", "PostgresStore", "Engine",
                "RulePackDistribution", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The configuration files (TOML subset with the line of every key): no dependencies.
        .target(name: "ConfigurationFile"),
        // What both command lines share: exit codes of SPEC §3, standard error.
        .target(name: "CommandSupport", dependencies: ["CanhModel", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The collector's load generator (benchmarks/collector-ingest runs it).
        .executableTarget(
            name: "canh-collector-load",
            dependencies: [
                "CanhModel", "CollectorClient", "CollectorPKI", "CollectorStore", "PostgresStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "benchmarks/collector-load"
        ),
        .executableTarget(
            name: "canh-agent",
            dependencies: [
                "Agent", "Rules", "CanhModel", "CommandSupport", "ConfigurationFile", "SigmaImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Helpers shared by the test targets: journal fixtures, temporary directories, processes.
        .target(
            name: "TestSupport", dependencies: ["CanhModel"], path: "Tests/TestSupport",
            exclude: ["pki_http_server.py", "starttls_server.py", "alert_receivers.py", "hostile_client.py"]),
        .testTarget(name: "CanhModelTests", dependencies: ["CanhModel", "TestSupport"]),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd", "TestSupport"]),
        .testTarget(name: "TLSInspectionTests", dependencies: ["TLSInspection", "TestSupport"]),
        .testTarget(
            name: "HostInspectionTests", dependencies: ["HostInspection", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AlertsTests", dependencies: ["Alerts", "CanhModel", "TestSupport"]),
        .testTarget(
            name: "SigmaImportTests", dependencies: ["SigmaImport", "Rules", "Engine", "CanhModel", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "AlertDeliveryTests",
            dependencies: [
                "AlertDelivery", "Alerts", "CanhModel", "CollectorStore", "TestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .testTarget(
            name: "ReportsTests", dependencies: ["Reports", "Rules", "CanhModel", "TestSupport"], exclude: ["Fixtures", "Golden"]),
        .testTarget(name: "RulesTests", dependencies: ["CanhModel", "Rules", "Engine", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "CollectorServerTests",
            dependencies: [
                "CollectorServer", "CollectorClient", "CollectorPKI", "CollectorStore", "CanhModel", "Agent", "AgentSpool", "TestSupport",
                "canh-collector", "canh-agent", "Rules", "Reports", "Alerts", "RulePackDistribution",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(name: "RulePackDistributionTests", dependencies: ["RulePackDistribution", "CanhModel", "TestSupport"]),
        .testTarget(name: "AgentSpoolTests", dependencies: ["AgentSpool", "CanhModel", "TestSupport"]),
        .testTarget(name: "ConfigurationFileTests", dependencies: ["ConfigurationFile", "TestSupport"]),
        .testTarget(
            name: "CollectorStoreTests",
            dependencies: [
                "CollectorStore", "PostgresStore", "Alerts", "CanhModel", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Rules", "CanhModel", "TestSupport"]),
        .testTarget(
            name: "AgentTests",
            // canh-agent is listed so that `swift test` builds the binary the CLI tests run.
            dependencies: ["Agent", "Engine", "Rules", "CanhModel", "Systemd", "ConfigurationFile", "TestSupport", "canh-agent"]
        ),
    ]
)

// One set of strict settings for every target of ours (as swift-certificates does).
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .treatAllWarnings(as: .error),
    ])
    target.swiftSettings = settings
}
