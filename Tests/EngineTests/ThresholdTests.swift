import CanhModel
import Engine
import TestSupport
import Testing

@Suite struct ThresholdTests {
    @Test("entries less than a window apart count together; exactly a window apart they do not")
    func windowEdges() throws {
        let inside = try engine(for: "auth.ssh.bruteforce", at: 3)
        for offset: Int64 in [0, 60, 120, 180] { #expect(inside.sshFailure(offset, from: "198.51.100.7").isEmpty) }
        let fired = inside.sshFailure(599, from: "198.51.100.7")
        #expect(fired.map(\.count) == [5])
        #expect(fired.first?.firstSeen == start)

        let edge = try engine(for: "auth.ssh.bruteforce", at: 3)
        for offset: Int64 in [0, 60, 120, 180] { _ = edge.sshFailure(offset, from: "198.51.100.7") }
        #expect(edge.sshFailure(600, from: "198.51.100.7").isEmpty, "the first failure is exactly 10 minutes old and no longer counts")
        #expect(edge.sshFailure(601, from: "198.51.100.7").map(\.count) == [5], "60..601 holds five failures")
    }

    @Test(
        "levels inherit thresholds from below: 7 failures fire from level 3, not at levels 1 and 2",
        arguments: [(1, false), (2, false), (3, true), (4, true), (5, true)])
    func perLevel(levelNumber: Int, fires: Bool) throws {
        let engine = try engine(for: "auth.ssh.bruteforce", at: levelNumber)
        let detections = (0..<7).flatMap { engine.sshFailure(Int64($0) * 30, from: "203.0.113.9") }
        #expect(detections.isEmpty != fires)
    }

    @Test("a group fires once per window while the attack goes on, then again with the count then in the window")
    func oncePerWindow() throws {
        let engine = try engine(for: "auth.ssh.bruteforce", at: 3)
        var firings: [(offset: Int64, count: Int)] = []
        for offset in stride(from: Int64(0), to: 1800, by: 10) {
            for detection in engine.sshFailure(offset, from: "198.51.100.7") { firings.append((offset, detection.count)) }
        }
        #expect(firings.map(\.offset) == [40, 640, 1240])
        #expect(firings.map(\.count) == [5, 60, 60])
    }

    @Test("sources and hosts are separate groups")
    func grouping() throws {
        let engine = try engine(for: "auth.ssh.bruteforce", at: 3)
        var detections: [Detection] = []
        for offset: Int64 in 0..<3 {
            detections += engine.sshFailure(offset, from: "198.51.100.1")
            detections += engine.sshFailure(offset, from: "198.51.100.2")
            detections += engine.sshFailure(offset, from: "198.51.100.1", host: "web02")
        }
        #expect(detections.isEmpty)
        detections += engine.sshFailure(10, from: "198.51.100.1")
        detections += engine.sshFailure(11, from: "198.51.100.1")
        #expect(detections.map(\.host) == ["web01"])
        #expect(detections.map(\.entity) == ["198.51.100.1"])
    }

    @Test("text in the address position that is not an address never becomes a source; IPv6 is canonical")
    func addresses() throws {
        let engine = try engine(for: "auth.ssh.bruteforce", at: 3)
        #expect((0..<6).flatMap { engine.sshFailure(Int64($0), from: "evil.example") }.isEmpty)
        #expect((0..<6).flatMap { engine.sshFailure(Int64($0), from: "300.1.1.1") }.isEmpty)
        let mapped = (0..<5).flatMap { engine.sshFailure(Int64($0), from: "::FFFF:192.0.2.77") }
        #expect(mapped.map(\.entity) == ["192.0.2.77"])
        let v6 = (0..<5).flatMap { engine.sshFailure(Int64($0), from: "2001:DB8:0:0:0:0:0:1") }
        #expect(v6.map(\.entity) == ["2001:db8::1"])
    }

    @Test("idle groups are forgotten, so memory stays bounded under a distributed attack")
    func boundedState() throws {
        let engine = try engine(for: "auth.ssh.bruteforce", at: 3)
        for index in 0..<20_000 {
            _ = engine.sshFailure(Int64(index), from: "10.\(index / 65_536).\(index / 256 % 256).\(index % 256)")
        }
        // One failure a second from a new address each time: only the last ten minutes are remembered.
        #expect(engine.trackedGroups <= 900, "at most one and a half windows of sources")
        #expect(engine.trackedGroups >= 600)
    }

    @Test("time comes from the entries: an old journal replays as it happened")
    func replay() throws {
        let engine = try engine(for: "auth.ssh.bruteforce", at: 3)
        let old = Timestamp.at("2019-03-04T05:06:07Z")
        let detections = (0..<5).flatMap { index in
            engine.evaluate(
                at: old + .seconds(Int64(index)),
                ["SYSLOG_IDENTIFIER": "sshd", "_COMM": "sshd", "MESSAGE": "Failed password for root from 192.0.2.1 port 1 ssh2"])
        }
        #expect(detections.first?.time == old + .seconds(4))
        #expect(detections.first?.host == "test-host", "without _HOSTNAME the fallback host is used")
    }
}
