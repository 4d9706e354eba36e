using QuantaSeal.Client.Tenants;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Client.Tests.Audit;

/// <summary>
/// One in-memory server with one tenant whose chain has a few audited actions (API keys created, a recipient key
/// registered, the signing key rotated half-way) and checkpoints over all of it, signed by the old and the new key.
/// </summary>
public sealed class AuditServerFixture : IAsyncLifetime
{
    internal TestServer Server { get; } = new(new Dictionary<string, string?>
    {
        ["QuantaSeal:Audit:CheckpointEveryEvents"] = "3",
        ["QuantaSeal:Audit:CheckpointInterval"] = "00:00:00.500",
    });

    public QuantaSealClient Admin { get; private set; } = null!;

    public QuantaSealClient Auditor { get; private set; } = null!;

    public string AuditorKey { get; private set; } = null!;

    public TenantKeys Keys { get; private set; } = null!;

    public long LastSeq { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Server.StartServer();
        var tenant = await Server.Sdk(null).CreateTenantAsync(Server.OperatorKey, "audit-e2e", cancellationToken: ct);
        Admin = Server.Sdk(tenant.ApiKey);
        for (var i = 0; i < 4; i++)
        {
            await Admin.CreateApiKeyAsync($"proxy-{i}", ["proxy"], cancellationToken: ct);
        }

        using (var recipient = Client.Encryption.RecipientKey.Generate())
        {
            await Admin.RegisterRecipientKeyAsync(recipient, "e2e", ct);
        }

        // The chain signs a checkpoint with the key the tenant holds when it signs, so let one cover the events so far
        // before rotating: otherwise, on a busy machine, every checkpoint could be signed after the rotation.
        // Audited so far: tenant.create, 4 api_key.create, tenant.recipient_key.register, each a change recorded as its
        // intent and its outcome.
        await WaitForCheckpointOverAsync(Admin, 2 * 6, ct);
        await Admin.RotateSigningKeyAsync(cancellationToken: ct);
        for (var i = 0; i < 3; i++)
        {
            await Admin.CreateApiKeyAsync($"late-{i}", ["proxy"], cancellationToken: ct);
        }

        var auditor = await Admin.CreateApiKeyAsync("auditor", ["audit:read"], cancellationToken: ct);
        AuditorKey = auditor.ApiKey;
        Auditor = Server.Sdk(AuditorKey);
        Keys = await Admin.GetKeysAsync(ct);

        // Then tenant.signing_key.rotate and 4 more api_key.create (two events each). Successful reads are not audited,
        // so the chain is still now; refused ones are (audit.read denied), so no test may make one with this tenant's keys.
        LastSeq = 2 * 11;
        await WaitForCheckpointOverAsync(Auditor, LastSeq, ct);
    }

    /// <summary>Waits (against a deadline) until the chain holds exactly <paramref name="lastSeq"/> events and the latest signed checkpoint covers them.</summary>
    private static async Task WaitForCheckpointOverAsync(QuantaSealClient reader, long lastSeq, CancellationToken ct)
    {
        long? seen = null, checkpoint = null;
        await WaitUntil.TrueAsync(
            async () =>
            {
                var report = await reader.VerifyAuditChainAsync(ct);
                checkpoint = (await reader.GetLatestAuditCheckpointAsync(ct))?.Seq;
                seen = report.LastSeq;
                return report.LastSeq > lastSeq
                    ? throw new InvalidOperationException($"The chain has {report.LastSeq} events, more than the {lastSeq} audited actions.")
                    : checkpoint == lastSeq && report.LastSeq == lastSeq;
            },
            TimeSpan.FromSeconds(30),
            () => $"no checkpoint covered seq {lastSeq} (last seq {seen}, latest checkpoint {checkpoint})",
            ct,
            TimeSpan.FromMilliseconds(100));
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
