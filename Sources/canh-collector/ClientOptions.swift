import ArgumentParser
import CollectorClient
import Foundation

/// How every command but `init` and `serve` reaches the API (SPEC §3): flags, or the
/// environment variables CANH_SERVER, CANH_TOKEN and CANH_CA.
struct ClientOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The collector's URL (or CANH_SERVER).", valueName: "URL"))
    var server: String?

    @Option(help: ArgumentHelp("An API token (or CANH_TOKEN).", valueName: "TOKEN"))
    var token: String?

    @Option(help: ArgumentHelp("The collector's CA certificate to pin (or CANH_CA).", valueName: "FILE"))
    var ca: String?

    func client() throws -> CollectorClient {
        let environment = ProcessInfo.processInfo.environment
        guard let url = server ?? environment["CANH_SERVER"] else {
            throw ValidationError("Name the collector with --server URL or CANH_SERVER.")
        }
        guard let token = token ?? environment["CANH_TOKEN"] else {
            throw ValidationError("Give an API token with --token or CANH_TOKEN (the first one is in DATA_DIR/admin.token).")
        }
        return try CollectorClient(CollectorConnection(url: url, caFile: ca ?? environment["CANH_CA"], token: token))
    }

    /// Runs `body` with a client and closes it afterwards.
    func with<Value>(_ body: (CollectorClient) async throws -> Value) async throws -> Value {
        let client = try client()
        do {
            let value = try await body(client)
            await client.shutdown()
            return value
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

/// How lists are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}
