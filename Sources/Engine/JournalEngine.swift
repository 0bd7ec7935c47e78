public import CanhModel
public import Rules

/// Where the `host` of a finding comes from.
public enum HostNaming: Sendable, Hashable {
    /// Each entry's `_HOSTNAME`, or `fallback` when it has none (scanning journals copied from
    /// other machines names the machine that wrote them).
    case fromEntries(fallback: String)
    /// Always this name (the agent's enrolled identity).
    case fixed(String)
}

/// Evaluates the journal rules of a pack at one level over entries, in journal order.
///
/// Pure and deterministic: entries in, detections out, time taken only from the entries, so a
/// replayed journal yields what a live run would have. Not `Sendable`: it holds window state and
/// PCRE2 match data; use one engine per thread.
public final class JournalEngine {
    public let level: Level
    /// The fields the engine reads; the reader must provide exactly these, in this order.
    public let fieldTable: FieldTable

    private struct MatcherReference {
        let evaluator: Int
        let role: MatcherRole
        let matcher: CompiledMatcher
    }

    private let evaluators: [any JournalRuleEvaluator]
    private let gapEvaluators: [GapRuleEvaluator]
    /// Matchers that require one of a few identifiers, found by the entry's SYSLOG_IDENTIFIER.
    private let routes: [(identifier: [UInt8], references: [MatcherReference])]
    /// Matchers that do not constrain the identifier: tried on every entry.
    private let unrouted: [MatcherReference]
    /// Every matcher once, for counting what its pattern could not decide.
    private let allReferences: [MatcherReference]
    private let hostNaming: HostNaming
    /// Per evaluator and role, the number of the last entry that matched, so an entry matching
    /// two alternatives of one rule counts once.
    private var lastMatchedEntry: [Int]
    private var entryNumber = 0
    private var nextSweep: Int64 = .min
    private var lastHost: (bytes: [UInt8], name: String) = ([], "")

    /// Compiles the rules of `pack` that apply at `level`.
    /// - Throws: every problem that prevents compiling (bad regex, unknown capture, missing parameter).
    public convenience init(pack: RulePack, level: Level, hostNaming: HostNaming) throws(RulePackError) {
        try self.init(rules: pack.rules(at: level), level: level, hostNaming: hostNaming)
    }

    /// Compiles `rules` (journal rules only; others are ignored) at `level`.
    public init(rules: [Rule], level: Level, hostNaming: HostNaming) throws(RulePackError) {
        var table = FieldTable()
        var evaluators: [any JournalRuleEvaluator] = []
        var gapEvaluators: [GapRuleEvaluator] = []
        var references: [MatcherReference] = []
        var problems: [RuleFileProblem] = []
        for rule in rules where rule.applies(at: level) {
            guard case .journal(let journalRule) = rule.body else { continue }
            do {
                let compiled = try Self.compile(rule, journalRule, level: level, table: &table)
                let index = evaluators.count
                evaluators.append(compiled.evaluator)
                if let gap = compiled.evaluator as? GapRuleEvaluator { gapEvaluators.append(gap) }
                references += compiled.matchers.map { MatcherReference(evaluator: index, role: $0.role, matcher: $0.matcher) }
            } catch {
                problems.append(error)
            }
        }
        guard problems.isEmpty else { throw RulePackError(problems: problems) }

        var routes: [(identifier: [UInt8], references: [MatcherReference])] = []
        var unrouted: [MatcherReference] = []
        for reference in references {
            guard let identifiers = reference.matcher.identifiers else {
                unrouted.append(reference)
                continue
            }
            for identifier in identifiers {
                if let position = routes.firstIndex(where: { $0.identifier == identifier }) {
                    routes[position].references.append(reference)
                } else {
                    routes.append((identifier, [reference]))
                }
            }
        }
        self.level = level
        self.fieldTable = table
        self.evaluators = evaluators
        self.gapEvaluators = gapEvaluators
        self.routes = routes
        self.unrouted = unrouted
        self.allReferences = references
        self.hostNaming = hostNaming
        self.lastMatchedEntry = Array(repeating: -1, count: evaluators.count * 2)
    }

    /// What the rules remember, to checkpoint with the journal position.
    public func state() -> JournalEngineState {
        var rules: [String: RuleState] = [:]
        for evaluator in evaluators {
            if let state = evaluator.state() { rules[evaluator.context.summary.id] = state }
        }
        return JournalEngineState(rules: rules)
    }

    /// Takes back what `state()` saved, for the rules this engine has.
    public func restore(_ state: JournalEngineState) {
        for evaluator in evaluators {
            if let saved = state.rules[evaluator.context.summary.id] { evaluator.restore(saved) }
        }
    }

    /// For each rule whose message pattern gave up on an entry (PCRE2's match limit or JIT stack:
    /// a pattern that backtracks badly on some message), how many times. Such entries counted as
    /// not matching; the caller reports it, since a rule that quietly stops matching is a hole.
    public var patternLimitHits: [String: Int] {
        var hits: [String: Int] = [:]
        for reference in allReferences {
            guard let count = reference.matcher.pattern?.limitHits, count > 0 else { continue }
            hits[evaluators[reference.evaluator].context.summary.id, default: 0] += count
        }
        return hits
    }

    /// How many groups all rules remember: the engine's state, bounded by sweeping idle groups.
    public var trackedGroups: Int { evaluators.reduce(0) { $0 + $1.trackedGroups } }

    /// Every problem in the journal rules of `pack` at every level they apply at, for `rules check`.
    public static func problems(in pack: RulePack) -> [RuleFileProblem] {
        var problems: [RuleFileProblem] = []
        for rule in pack.rules {
            guard case .journal(let journalRule) = rule.body else { continue }
            for level in rule.levels {
                var table = FieldTable()
                do {
                    _ = try compile(rule, journalRule, level: level, table: &table)
                } catch {
                    // A mistake outside the level parameters shows at every level; report it once.
                    if !problems.contains(error) { problems.append(error) }
                }
            }
        }
        return problems
    }

    /// Evaluates one entry.
    /// - Returns: the detections it triggers, usually none.
    public func evaluate(_ event: JournalEvent) -> [Detection] {
        entryNumber += 1
        var detections = event.withUnsafeBytes { buffer -> [Detection] in
            var detections: [Detection] = []
            if let range = event.range(at: fieldTable.identifierIndex) {
                let identifier = UnsafeBufferPointer(rebasing: buffer[range])
                for route in routes where bytesEqual(identifier, route.identifier) {
                    for reference in route.references { dispatch(reference, event, buffer, &detections) }
                    break
                }
            }
            for reference in unrouted { dispatch(reference, event, buffer, &detections) }
            return detections
        }
        for gap in gapEvaluators {
            if let start = gap.endsGap(event), let detection = gap.detection(for: event, gapStart: start, host: hostName(of: event)) {
                detections.append(detection)
            }
        }

        if event.time.microsecondsSinceEpoch >= nextSweep {
            // Let each rule drop idle groups (each does so once per half window), bounding memory.
            for evaluator in evaluators { evaluator.sweep(at: event.time) }
            nextSweep = event.time.microsecondsSinceEpoch + 60_000_000
        }
        guard !detections.isEmpty else { return detections }
        let sample = event.value(at: fieldTable.messageIndex).map(Self.sample)
        return detections.map { detection in
            var detection = detection
            if let sample { detection.evidence["sample"] = .text(sample) }
            return detection
        }
    }

    @inline(__always)
    private func dispatch(
        _ reference: MatcherReference, _ event: JournalEvent, _ buffer: UnsafeBufferPointer<UInt8>,
        _ detections: inout [Detection]
    ) {
        // Matching first: most entries match nothing, and the engine's own state is then not touched.
        guard let captures = reference.matcher.match(event, in: buffer) else { return }
        let slot = reference.evaluator * 2 + reference.role.rawValue
        guard lastMatchedEntry[slot] != entryNumber else { return }
        lastMatchedEntry[slot] = entryNumber
        if let detection = evaluators[reference.evaluator].matched(
            reference.role, alternative: reference.matcher.alternative, weight: reference.matcher.weight, captures: captures, event: event,
            host: hostName(of: event))
        {
            detections.append(detection)
        }
    }

    /// The host of an entry's findings. Journals rarely change host, so the last name is reused.
    private func hostName(of event: JournalEvent) -> String {
        switch hostNaming {
        case .fixed(let name):
            return name
        case .fromEntries(let fallback):
            guard let value = event.value(at: fieldTable.hostnameIndex) else { return fallback }
            if !value.elementsEqual(lastHost.bytes) {
                lastHost = (Array(value), String(journalBytes: value).escapingControlCharacters)
            }
            return lastHost.name
        }
    }

    /// The message as evidence: readable, and at most 1,024 characters.
    private static func sample(_ bytes: ArraySlice<UInt8>) -> String {
        let limit = 1024
        let text = String(journalBytes: bytes.prefix(limit * 4))
        guard text.count > limit || bytes.count > limit * 4 else { return text }
        return String(text.prefix(limit)) + "… (\(bytes.count) bytes)"
    }

    // MARK: - Compiling

    private struct CompiledRule {
        let evaluator: any JournalRuleEvaluator
        let matchers: [(role: MatcherRole, matcher: CompiledMatcher)]
    }

    private static func compile(_ rule: Rule, _ journalRule: JournalRule, level: Level, table: inout FieldTable) throws(RuleFileProblem)
        -> CompiledRule
    {
        let resolver = ParameterResolver(rule: rule, level: level)
        let context = RuleContext(summary: RuleSummary(rule), level: level, entity: journalRule.entity)
        let entityCapture: String? =
            if case .capture(let name) = journalRule.entity { name } else { nil }

        func compileAll(_ matchers: [EntryMatcher], needing required: [String]) throws(RuleFileProblem) -> [CompiledMatcher] {
            var compiled: [CompiledMatcher] = []
            for matcher in matchers {
                let matcherCompiled = try CompiledMatcher(matcher, table: &table, resolver: resolver, alternative: compiled.count)
                for name in required where !matcherCompiled.captureNames.contains(name) {
                    throw RuleFileProblem(
                        location: matcher.location, field: matcher.path,
                        message:
                            "the rule uses the capture \"\(name)\" (entity, group_by or distinct) but this matcher's message pattern has no (?<\(name)>…) group"
                    )
                }
                compiled.append(matcherCompiled)
            }
            return compiled
        }

        let result: CompiledRule
        switch journalRule.detection {
        case .event(let matchers):
            let compiled = try compileAll(matchers, needing: entityCapture.map { [$0] } ?? [])
            result = CompiledRule(evaluator: EventRuleEvaluator(context: context), matchers: compiled.map { (.match, $0) })
        case .threshold(let matchers, let spec):
            if let entityCapture, !spec.groupBy.contains(entityCapture) {
                throw RuleFileProblem(
                    location: spec.location, field: "\(rule.id).threshold.group_by",
                    message: "must include the entity capture \"\(entityCapture)\", so that each finding is about one entity")
            }
            let needed = spec.groupBy + (spec.distinct.map { [$0] } ?? [])
            let compiled = try compileAll(matchers, needing: needed)
            let evaluator = ThresholdRuleEvaluator(
                context: context, groupBy: spec.groupBy, distinct: spec.distinct,
                threshold: try resolver.int(spec.count), window: try resolver.span(spec.window), sameAttempt: spec.sameAttempt)
            result = CompiledRule(evaluator: evaluator, matchers: compiled.map { (.match, $0) })
        case .sequence(let spec):
            if let entityCapture, !spec.groupBy.contains(entityCapture) {
                throw RuleFileProblem(
                    location: spec.location, field: "\(rule.id).sequence.group_by",
                    message: "must include the entity capture \"\(entityCapture)\"")
            }
            let first = try compileAll(spec.first, needing: spec.groupBy)
            let then = try compileAll(spec.then, needing: spec.groupBy)
            let evaluator = SequenceRuleEvaluator(
                context: context, groupBy: spec.groupBy, firstCount: try resolver.int(spec.firstCount),
                window: try resolver.span(spec.window), sameAttempt: spec.sameAttempt)
            result = CompiledRule(evaluator: evaluator, matchers: first.map { (.match, $0) } + then.map { (.then, $0) })
        case .gap(let maxSilence):
            if entityCapture != nil {
                throw RuleFileProblem(
                    location: rule.location, field: "\(rule.id).entity",
                    message: "a gap rule has no captures; its entity is boot_id or host")
            }
            result = CompiledRule(evaluator: GapRuleEvaluator(context: context, maxSilence: try resolver.span(maxSilence)), matchers: [])
        }
        if let unused = resolver.unusedParameters().first { throw unused }
        return result
    }
}
