namespace QuantaSeal.Crypto.Envelope;

/// <summary>What a v2 envelope binds its answer to (docs/envelope-v2.md).</summary>
/// <param name="RequestSha256">The request hash the audit event records (<see cref="EnvelopeRequestHash"/>; lowercase hex SHA-256 from the front door), or the empty string when the call has none.</param>
/// <param name="IssuedAt">When the envelope is sealed; written in UTC with milliseconds (finer digits are dropped).</param>
public sealed record EnvelopeBinding(string RequestSha256, DateTimeOffset IssuedAt);
