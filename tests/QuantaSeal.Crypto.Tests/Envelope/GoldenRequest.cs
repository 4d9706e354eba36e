namespace QuantaSeal.Crypto.Tests.Envelope;

/// <summary>The proxy request a v2 test vector answers.</summary>
internal sealed record GoldenRequest(string IntegrationId, string Operation, string? PayloadJson);
