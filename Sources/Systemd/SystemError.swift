import Glibc

/// The C library's text for an errno value, e.g. "No such file or directory (errno 2)".
func systemErrorText(_ errno: Int32) -> String {
    guard let message = strerror(errno) else { return "errno \(errno)" }
    return "\(String(cString: message)) (errno \(errno))"
}
