import Foundation

/// `HOST:PORT` as collector.toml and the flags write it (`[::1]:8443` for IPv6): the host without
/// brackets and the port, or nil when there is no `:PORT` with a port in 0…65535.
func hostAndPort(_ text: String) -> (host: String, port: Int)? {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
        return nil
    }
    return (String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
}
