using System.Text;
using System.Text.Json;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests.Audit;

public sealed class AuditChainTests
{
    private const string Tenant = TestChain.Tenant;
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 15, 0, 0, 123, TimeSpan.Zero);

    private static AuditRecord Record(long seq, string action = "proxy.outbound") =>
        new($"aud_{seq:D26}", Tenant, seq, T0.AddSeconds(seq), "ak_01JTESTKEY000000000000000", action, "int_01JTESTINT000000000000000", "get_users", "success", 200, new string('a', 64), 12, null);

    private static (List<AuditRecord> Chain, List<AuditCheckpoint> Checkpoints, Dictionary<string, byte[]> Keys) Build(int count, params long[] checkpointAt)
    {
        using var key = MlDsa65KeyPair.Generate();
        var built = TestChain.Build(key, count, checkpointAt);
        return (built.Records, built.Checkpoints, built.Keys);
    }

    [Fact]
    public void CanonicalJson_MatchesTheDocumentedWorkedExample()
    {
        var record = new AuditRecord("aud_01JDOCEXAMPLE0000000000000", "ten_01JDOCEXAMPLE0000000000000", 1,
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), "ak_01JDOCEXAMPLE0000000000000", "proxy.outbound",
            "int_01JDOCEXAMPLE0000000000000", "get_user", "success", 200, null, 41, null);

        var json = System.Text.Encoding.UTF8.GetString(AuditCanonicalJson.Serialize(record));
        var hash = Convert.ToHexStringLower(AuditHashChain.Next(AuditHashChain.Genesis, record));

        Assert.Equal(
            "{\"event_id\":\"aud_01JDOCEXAMPLE0000000000000\",\"tenant_id\":\"ten_01JDOCEXAMPLE0000000000000\",\"seq\":1,\"timestamp\":\"2026-01-02T03:04:05.678Z\",\"actor\":\"ak_01JDOCEXAMPLE0000000000000\",\"action\":\"proxy.outbound\",\"integration_id\":\"int_01JDOCEXAMPLE0000000000000\",\"operation\":\"get_user\",\"outcome\":\"success\",\"upstream_status\":200,\"request_sha256\":null,\"latency_ms\":41,\"object_id\":null}",
            json);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([.. new byte[32], .. System.Text.Encoding.UTF8.GetBytes(json)])), hash);
    }

    [FsCheck.Xunit.Property]
    public bool CanonicalJson_IsValidJson_ThatRoundTripsEveryValue(string? actor, string? operation, int? status)
    {
        var record = Record(7) with { Actor = actor ?? "x", Operation = operation, UpstreamStatus = status };
        using var doc = JsonDocument.Parse(AuditCanonicalJson.Serialize(record));
        var root = doc.RootElement;
        return root.GetProperty("actor").GetString() == record.Actor
            && root.GetProperty("operation").GetString() == record.Operation
            && (status is null ? root.GetProperty("upstream_status").ValueKind == JsonValueKind.Null : root.GetProperty("upstream_status").GetInt32() == status);
    }

    /// <summary>The documented rules, written the obvious way: escape per character, then UTF-8 of the whole text.</summary>
    private static string ReferenceString(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => "\\u00" + ((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool CanonicalJson_IsByteForByteTheDocumentedForm(string? actor, string? operation, string? objectId, int? status, long? latency, char control)
    {
        var odd = $"{actor}\"{control}\\{(char)(control % 32)}\ud83d\ude00\ud800é{operation}";
        var record = Record(7) with { Actor = actor ?? "x", Operation = operation, ObjectId = objectId is null ? null : odd + objectId, UpstreamStatus = status, LatencyMs = latency };
        var expected = "{\"event_id\":" + ReferenceString(record.EventId) + ",\"tenant_id\":" + ReferenceString(record.TenantId) + ",\"seq\":7"
            + ",\"timestamp\":\"" + AuditCanonicalJson.FormatTimestamp(record.Timestamp) + "\",\"actor\":" + ReferenceString(record.Actor)
            + ",\"action\":" + ReferenceString(record.Action) + ",\"integration_id\":" + ReferenceString(record.IntegrationId)
            + ",\"operation\":" + ReferenceString(record.Operation) + ",\"outcome\":" + ReferenceString(record.Outcome)
            + ",\"upstream_status\":" + (status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null")
            + ",\"request_sha256\":" + ReferenceString(record.RequestSha256)
            + ",\"latency_ms\":" + (latency?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null")
            + ",\"object_id\":" + ReferenceString(record.ObjectId) + "}";
        var expectedBytes = System.Text.Encoding.UTF8.GetBytes(expected);

        var previous = System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(control));
        var inPlace = previous.ToArray();
        AuditHashChain.Next(inPlace, record, inPlace);

        return AuditCanonicalJson.Serialize(record).AsSpan().SequenceEqual(expectedBytes)
            && AuditHashChain.Next(previous, record).AsSpan().SequenceEqual(System.Security.Cryptography.SHA256.HashData([.. previous, .. expectedBytes]))
            && inPlace.AsSpan().SequenceEqual(AuditHashChain.Next(previous, record));
    }

    [Fact]
    public void IntactChain_Verifies_WithItsCheckpoints()
    {
        var (chain, checkpoints, keys) = Build(50, 20, 40);

        var result = AuditChainVerifier.Verify(Tenant, chain, checkpoints, keys);

        Assert.True(result.Valid, result.Problem);
        Assert.Equal(50, result.EventsChecked);
        Assert.Equal(2, result.CheckpointsChecked);
    }

    [Fact]
    public void ChangedField_IsDetectedAtItsSeq()
    {
        var (chain, checkpoints, keys) = Build(30, 25);
        chain[11] = chain[11] with { Outcome = "denied" };

        var result = AuditChainVerifier.Verify(Tenant, chain, checkpoints, keys);

        Assert.False(result.Valid);
        Assert.Equal(12, result.FirstBadSeq);
    }

    [Fact]
    public void DeletedRow_IsDetectedAtItsSeq()
    {
        var (chain, checkpoints, keys) = Build(30, 25);
        chain.RemoveAt(9);

        Assert.Equal(10, AuditChainVerifier.Verify(Tenant, chain, checkpoints, keys).FirstBadSeq);
    }

    [Fact]
    public void SwappedRows_AreDetectedAtTheFirst()
    {
        var (chain, checkpoints, keys) = Build(30, 25);
        (chain[4], chain[5]) = (chain[5], chain[4]);

        Assert.Equal(5, AuditChainVerifier.Verify(Tenant, chain, checkpoints, keys).FirstBadSeq);
    }

    [Fact]
    public void InsertedRow_IsDetectedWhereItWasInserted()
    {
        var (chain, checkpoints, keys) = Build(30, 25);
        var forged = Record(8) with { EventId = "aud_forged", Action = "vault.unseal" };
        chain.Insert(8, forged with { Hash = chain[7].Hash });

        Assert.Equal(9, AuditChainVerifier.Verify(Tenant, chain, checkpoints, keys).FirstBadSeq);
    }

    [Fact]
    public void TruncatedTail_AfterACheckpoint_IsDetected()
    {
        var (chain, checkpoints, keys) = Build(30, 25);
        chain.RemoveRange(20, 10);

        var result = AuditChainVerifier.Verify(Tenant, chain, checkpoints, keys);

        Assert.False(result.Valid);
        Assert.Equal(21, result.FirstBadSeq);
    }

    [Fact]
    public void RewrittenRangeWithRecomputedHashes_IsCaughtByTheSignedCheckpoint()
    {
        var (chain, checkpoints, keys) = Build(30, 10, 25);
        var previous = Convert.FromHexString(chain[13].Hash);
        for (var i = 14; i < chain.Count; i++)
        {
            var record = i == 14 ? chain[i] with { Outcome = "failed" } : chain[i];
            previous = AuditHashChain.Next(previous, record);
            chain[i] = record with { Hash = Convert.ToHexStringLower(previous) };
        }

        var result = AuditChainVerifier.Verify(Tenant, chain, checkpoints, keys);

        Assert.False(result.Valid);
        Assert.Equal(11, result.FirstBadSeq);
    }

    [Fact]
    public void CheckpointSignedByAnotherKey_IsRejected()
    {
        var (chain, checkpoints, _) = Build(30, 25);
        using var other = MlDsa65KeyPair.Generate();

        var result = AuditChainVerifier.Verify(Tenant, chain, checkpoints, new Dictionary<string, byte[]> { [TestChain.KeyId] = other.PublicKey.ToArray() });

        Assert.False(result.Valid);
        Assert.Equal(25, result.FirstBadSeq);
    }

    [Fact]
    public void Export_RoundTrips_AndVerifies()
    {
        var (chain, checkpoints, keys) = Build(12, 10);
        var text = string.Join('\n', new[] { AuditExport.HeaderLine(Tenant, T0) }
            .Concat(chain.Select(AuditExport.EventLine))
            .Concat(checkpoints.Select(AuditExport.CheckpointLine)));

        var (tenant, events, cps) = AuditExport.Read(new StringReader(text));

        Assert.Equal(Tenant, tenant);
        Assert.Equal(chain, events);
        Assert.True(AuditChainVerifier.Verify(tenant, events, cps, keys).Valid);
    }
}
