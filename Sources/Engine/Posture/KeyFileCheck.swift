import CanhModel

/// `tls.key.exposed`: a private key readable by the file's group or by everyone. The entity is
/// the path.
enum KeyFileCheck {
    static func judge(_ file: KeyFileObservation) -> PostureJudgement {
        let exposed = file.mode & 0o044 != 0
        return PostureJudgement(
            entity: file.path, outcome: exposed ? .fail : .pass,
            evidence: Evidence([
                ("path", .text(file.path)), ("mode", .text(file.modeText)), ("owner", .text("\(file.owner):\(file.group)")),
                ("encrypted", .text(file.key.isEncrypted ? "yes" : "no")),
            ]))
    }
}
