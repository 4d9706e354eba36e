using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Crypto.Tests.Audit;

public sealed class AuditExportStreamingTests : IDisposable
{
    private readonly MlDsa65KeyPair _key = MlDsa65KeyPair.Generate();

    public void Dispose() => _key.Dispose();

    private static string Export(TestChain chain) =>
        string.Join('\n', new[] { AuditExport.HeaderLine(TestChain.Tenant, TestChain.T0) }
            .Concat(chain.Records.Select(AuditExport.EventLine))
            .Concat(chain.Checkpoints.Select(AuditExport.CheckpointLine))) + "\n";

    [Fact]
    public void StreamingRead_HandsOverEveryLineInFileOrder()
    {
        var chain = TestChain.Build(_key, 25, 10, 20);
        var events = new List<AuditRecord>();
        var checkpoints = new List<AuditCheckpoint>();

        var tenant = AuditExport.Read(new StringReader(Export(chain)), events.Add, checkpoints.Add);

        Assert.Equal(TestChain.Tenant, tenant);
        Assert.Equal(chain.Records, events);
        Assert.Equal(chain.Checkpoints.Select(c => (c.Seq, c.Hash, c.KeyId, Convert.ToBase64String(c.Signature))), checkpoints.Select(c => (c.Seq, c.Hash, c.KeyId, Convert.ToBase64String(c.Signature))));
    }

    [Fact]
    public void TwoPassRead_ThroughTheWalker_VerifiesLikeTheOneShotVerifier()
    {
        var chain = TestChain.Build(_key, 25, 10, 20);
        chain.Records[14] = chain.Records[14] with { Actor = "ak_forged" };
        var text = Export(chain);

        var checkpoints = new List<AuditCheckpoint>();
        var tenant = AuditExport.Read(new StringReader(text), null, checkpoints.Add);
        var walker = new AuditChainWalker(tenant, checkpoints, chain.Keys);
        AuditExport.Read(new StringReader(text), e => walker.Add(e), null);

        var (t, events, cps) = AuditExport.Read(new StringReader(text));
        Assert.Equal(AuditChainVerifier.Verify(t, events, cps, chain.Keys), walker.Complete());
        Assert.Equal(15, walker.Complete().FirstBadSeq);
    }

    [Fact]
    public void StreamingRead_NamesTheBadLine()
    {
        var text = Export(TestChain.Build(_key, 5, 5)).Replace("\"seq\":3,", "\"seq\":\"3\",", StringComparison.Ordinal);

        var ex = Assert.Throws<FormatException>(() => AuditExport.Read(new StringReader(text), null, null));

        Assert.StartsWith("line 4:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamingRead_WithoutAHeader_IsRejected()
    {
        var chain = TestChain.Build(_key, 3);

        Assert.Throws<FormatException>(() => AuditExport.Read(new StringReader(string.Join('\n', chain.Records.Select(AuditExport.EventLine))), null, null));
    }
}
