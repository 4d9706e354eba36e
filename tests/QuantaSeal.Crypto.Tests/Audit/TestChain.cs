using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests.Audit;

/// <summary>A TEST-ONLY chain of audit events with checkpoints signed by a key generated per run.</summary>
internal sealed record TestChain(List<AuditRecord> Records, List<AuditCheckpoint> Checkpoints, Dictionary<string, byte[]> Keys)
{
    public const string Tenant = "ten_01JTESTAUDITWALK000000000";
    public const string KeyId = "sk_test_walk";
    public static readonly DateTimeOffset T0 = new(2026, 11, 29, 15, 0, 0, 123, TimeSpan.Zero);

    public static AuditRecord Record(long seq, string tenant = Tenant) =>
        new($"aud_{seq:D26}", tenant, seq, T0.AddSeconds(seq), "ak_01JTESTKEY000000000000000", seq % 3 == 0 ? "vault.seal" : "proxy.outbound",
            "int_01JTESTINT000000000000000", "get_users", "success", 200, new string('a', 64), 12 + seq, null);

    public static TestChain Build(MlDsa65KeyPair key, int count, params long[] checkpointAt)
    {
        var records = new List<AuditRecord>();
        var checkpoints = new List<AuditCheckpoint>();
        var previous = AuditHashChain.Genesis;
        for (var seq = 1; seq <= count; seq++)
        {
            var record = Record(seq);
            previous = AuditHashChain.Next(previous, record);
            var hex = Convert.ToHexStringLower(previous);
            records.Add(record with { Hash = hex });
            if (checkpointAt.Contains(seq))
            {
                checkpoints.Add(Sign(key, seq, hex));
            }
        }

        return new TestChain(records, checkpoints, new Dictionary<string, byte[]>(StringComparer.Ordinal) { [KeyId] = key.PublicKey.ToArray() });
    }

    public static AuditCheckpoint Sign(MlDsa65KeyPair key, long seq, string hashHex, string tenant = Tenant, string keyId = KeyId)
    {
        var at = T0.AddMinutes(seq);
        return new AuditCheckpoint(tenant, seq, hashHex, at, keyId, AuditCheckpointSigning.Sign(key, tenant, seq, hashHex, at));
    }

    /// <summary>Feeds <paramref name="records"/> to a walker in pages of <paramref name="pageSize"/>, stopping as a server would.</summary>
    public static AuditVerification WalkPaged(IReadOnlyList<AuditRecord> records, IEnumerable<AuditCheckpoint> checkpoints, IReadOnlyDictionary<string, byte[]> keys, int pageSize)
    {
        var walker = new AuditChainWalker(Tenant, checkpoints, keys);
        foreach (var page in records.Chunk(pageSize))
        {
            foreach (var record in page)
            {
                if (!walker.Add(record))
                {
                    return walker.Complete();
                }
            }
        }

        return walker.Complete();
    }
}
