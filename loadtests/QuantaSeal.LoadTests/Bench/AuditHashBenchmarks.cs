using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.LoadTests.Bench;

/// <summary>
/// The chain grain's per-event CPU cost: canonical JSON of one event, and the chain step
/// SHA-256(prev_hash || canonical_json). The chain grain is one activation per tenant, so this bounds what one tenant
/// can chain per second on one core, whatever the storage does.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "BenchmarkDotNet runs public benchmark classes only.")]
[SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "BenchmarkDotNet runs instance benchmark methods.")]
public class AuditHashBenchmarks
{
    private readonly byte[] _previous = new byte[32];
    private readonly AuditRecord _record = new(
        "aud_01J9Z6Q8W3X4Y5Z6A7B8C9D0EF", "ten_01J9Z6Q8W3X4Y5Z6A7B8C9D0EF", 123_456, new DateTimeOffset(2026, 5, 1, 12, 0, 0, 123, TimeSpan.Zero),
        "key_01J9Z6Q8W3X4Y5Z6A7B8C9D0EF", "proxy.outbound", "int_01J9Z6Q8W3X4Y5Z6A7B8C9D0EF", "get_users", "success", 200,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 12, null);

    /// <summary>Canonical JSON of one event (docs/audit-chain.md).</summary>
    [Benchmark]
    public byte[] CanonicalJson() => AuditCanonicalJson.Serialize(_record);

    /// <summary>One chain step: canonical JSON + SHA-256 over the previous hash and it.</summary>
    [Benchmark(Baseline = true)]
    public byte[] ChainStep() => AuditHashChain.Next(_previous, _record);
}
