import CanhModel
import Foundation

/// The inbound base chains of an nftables configuration as `nft -f` loads it: `table FAMILY
/// NAME { chain NAME { type filter hook input …; policy …; RULES } }` blocks, `include` files
/// (globs, in name order) read where they stand, and `flush ruleset` forgetting what came before.
/// Anonymous sets (`tcp dport { 22, 443 } accept`) stay inside their rule.
enum NftablesParser {
    private enum Block { case table, chain, other }

    struct Token {
        var text: String
        var file: String
        var line: Int
    }

    static func inputChains(_ root: HostRoot, main: String) throws(HostRoot.UnreadableFile) -> [FirewallConfiguration.InputChain] {
        var seen: Set<String> = []
        let tokens = try self.tokens(root, file: main, seen: &seen)
        var chains: [FirewallConfiguration.InputChain] = []
        var table: (family: String, name: String)?
        var chain: (name: String, isInput: Bool, policy: ConfigSetting?, lastRule: ConfigSetting?)?
        var statement: [Token] = []
        var setDepth = 0
        var blocks: [Block] = []

        func endStatement() {
            defer { statement.removeAll() }
            guard let first = statement.first else { return }
            let words = statement.map(\.text)
            if chain != nil {
                if words.first == "type", words.contains("hook"), words.contains("input") {
                    chain?.isInput = true
                } else if words.first == "policy", words.count >= 2 {
                    chain?.policy = ConfigSetting(value: words[1], file: first.file, line: first.line)
                } else if !["type", "comment", "priority", "devices"].contains(first.text) {
                    chain?.lastRule = ConfigSetting(value: words.joined(separator: " "), file: first.file, line: first.line)
                }
            } else if words == ["flush", "ruleset"] {
                chains.removeAll()
            }
        }

        for token in tokens {
            switch token.text {
            case "{" where setDepth > 0 || (chain != nil && !statement.isEmpty && statement.first?.text != "chain"):
                setDepth += 1
                statement.append(token)
            case "}" where setDepth > 0:
                setDepth -= 1
                statement.append(token)
            case "{":
                let words = statement.map(\.text)
                if table == nil, words.first == "table" {
                    // `table NAME` is of family ip; `table FAMILY NAME` names it.
                    table = words.count >= 3 ? (words[1], words[2]) : ("ip", words.last ?? "")
                    blocks.append(.table)
                } else if table != nil, chain == nil, words.first == "chain", words.count >= 2 {
                    chain = (words[1], false, nil, nil)
                    blocks.append(.chain)
                } else {
                    blocks.append(.other)  // a named set, map, flowtable…
                }
                statement.removeAll()
            case "}":
                endStatement()
                switch blocks.popLast() {
                case .chain:
                    if let open = chain, open.isInput, let table, ["ip", "ip6", "inet"].contains(table.family) {
                        chains.append(
                            .init(
                                family: table.family, name: "\(table.name) \(open.name)",
                                policy: open.policy ?? ConfigSetting(value: "accept", file: "nftables default", line: 0),
                                lastRule: open.lastRule))
                    }
                    chain = nil
                case .table: table = nil
                case .other, nil: break
                }
            case ";", "\n":
                if setDepth == 0 { endStatement() }
            default:
                statement.append(token)
            }
        }
        return chains
    }

    /// The words, braces, semicolons and line ends of a file, comments removed, with each
    /// `include "PATTERN"` replaced by the tokens of the files it names.
    private static func tokens(_ root: HostRoot, file: String, seen: inout Set<String>) throws(HostRoot.UnreadableFile) -> [Token] {
        guard seen.insert(file).inserted else { return [] }
        guard let text = try root.textIfPresent(file) else { return [] }
        var tokens: [Token] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line: [Token] = []
            var word = ""
            var quoted = false
            func flush() {
                if !word.isEmpty { line.append(Token(text: word, file: file, line: index + 1)) }
                word = ""
            }
            for character in rawLine {
                if quoted {
                    word.append(character)
                    if character == "\"" { quoted = false }
                } else if character == "#" {
                    break
                } else if character == "\"" {
                    quoted = true
                    word.append(character)
                } else if character.isWhitespace || character == "," {
                    flush()
                } else if "{};".contains(character) {
                    flush()
                    line.append(Token(text: String(character), file: file, line: index + 1))
                } else {
                    word.append(character)
                }
            }
            flush()
            if line.first?.text == "include", line.count >= 2 {
                let pattern = line[1].text.trimmingCharacters(in: ["\""])
                let path = pattern.hasPrefix("/") ? pattern : "/etc/\(pattern)"
                for included in root.glob(path) { tokens += try self.tokens(root, file: included, seen: &seen) }
            } else {
                tokens += line
            }
            tokens.append(Token(text: "\n", file: file, line: index + 1))
        }
        return tokens
    }
}
