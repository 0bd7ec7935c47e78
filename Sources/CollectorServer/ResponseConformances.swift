public import CanhModel
public import Hummingbird

// The domain records are the API's responses as they are (snake_case keys, ISO 8601 times).
extension InformationSystem: ResponseEncodable {}
extension EnrolledHost: ResponseEncodable {}
extension FindingState: ResponseEncodable {}
extension IngestSummary: ResponseEncodable {}
extension CertificateRecord: ResponseEncodable {}
extension APIMessages.FindingDetail: ResponseEncodable {}
extension APIMessages.HeartbeatReply: ResponseEncodable {}
extension APIMessages.SignOutReply: ResponseEncodable {}
extension RulePackRelease: ResponseEncodable {}
extension RulePackAssignment: ResponseEncodable {}
extension APIMessages.RulePackStatus: ResponseEncodable {}
