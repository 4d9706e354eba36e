using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Client.Tests.Audit;

/// <summary>
/// A TEST-ONLY chain (key generated per run) and the JSON the server answers with for it: events with every member
/// present (explicit nulls), checkpoints with a base64 signature. Every third event is an outcome linked to the event
/// before it (<c>attempt_event_id</c>, present only on those, as the server writes it).
/// </summary>
internal sealed class AuditJson : IDisposable
{
    public const string Tenant = "ten_01JCLIENTAUDIT00000000000";
    public const string KeyId = "sk_01JCLIENTAUDIT000000000000";
    public static readonly DateTimeOffset T0 = new(2026, 11, 29, 16, 41, 2, 123, TimeSpan.Zero);

    private readonly MlDsa65KeyPair _key = MlDsa65KeyPair.Generate();

    public AuditJson(int count, params long[] checkpointAt)
    {
        var previous = AuditHashChain.Genesis;
        for (var seq = 1; seq <= count; seq++)
        {
            var record = new AuditRecord(
                $"aud_01JCLIENTAUDIT{seq:D15}", Tenant, seq, T0.AddSeconds(seq), "ak_01JCLIENTAUDIT0000000000", seq % 2 == 0 ? "vault.seal" : "proxy.outbound",
                seq % 2 == 0 ? null : "int_01JCLIENTAUDIT00000000000", seq % 2 == 0 ? null : "get_users", "success", seq % 2 == 0 ? null : 200, null, 7, seq % 2 == 0 ? "cred_x" : null,
                seq % 3 == 0 ? $"aud_01JCLIENTAUDIT{seq - 1:D15}" : null);
            previous = AuditHashChain.Next(previous, record);
            Records.Add(record with { Hash = Convert.ToHexStringLower(previous) });
            if (checkpointAt.Contains(seq))
            {
                var hex = Convert.ToHexStringLower(previous);
                var at = T0.AddMinutes(seq);
                Checkpoints.Add(new AuditCheckpoint(Tenant, seq, hex, at, KeyId, AuditCheckpointSigning.Sign(_key, Tenant, seq, hex, at)));
            }
        }
    }

    public List<AuditRecord> Records { get; } = [];

    public List<AuditCheckpoint> Checkpoints { get; } = [];

    public IReadOnlyDictionary<string, byte[]> Keys => new Dictionary<string, byte[]> { [KeyId] = _key.PublicKey.ToArray() };

    public byte[] PublicKey => _key.PublicKey.ToArray();

    public static string Event(AuditRecord record) => "{" + AuditExport.EventLine(record)["{\"type\":\"event\",".Length..];

    public static string Checkpoint(AuditCheckpoint checkpoint) => "{" + AuditExport.CheckpointLine(checkpoint)["{\"type\":\"checkpoint\",".Length..];

    /// <summary>The answer of GET /api/v2/audit/events/{id} for <paramref name="seq"/>, as the server builds it.</summary>
    public string EventWithProof(long seq)
    {
        var checkpoint = Checkpoints.Where(c => c.Seq >= seq).MinBy(c => c.Seq);
        var previous = seq == 1 ? new string('0', 64) : Records[(int)seq - 2].Hash;
        var following = checkpoint is null ? [] : Records.Skip((int)seq).Take((int)(checkpoint.Seq - seq));
        var checkpointJson = checkpoint is null ? "null" : Checkpoint(checkpoint);
        return "{\"event\":" + Event(Records[(int)seq - 1]) + ",\"proof\":{\"previous_hash\":\"" + previous + "\",\"following\":[" + string.Join(',', following.Select(Event)) + "],\"checkpoint\":" + checkpointJson + "}}";
    }

    public string Export() =>
        string.Join('\n', new[] { AuditExport.HeaderLine(Tenant, T0.AddHours(1)) }.Concat(Records.Select(AuditExport.EventLine)).Concat(Checkpoints.Select(AuditExport.CheckpointLine))) + "\n";

    public void Dispose() => _key.Dispose();
}
