using QuantaSeal.Client.Models;
using QuantaSeal.Client.Tests.Infrastructure;

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
            await Admin.RegisterRecipientKeyAsync(recipient.PublicKey, "e2e", ct);
        }

        await Admin.RotateSigningKeyAsync(cancellationToken: ct);
        for (var i = 0; i < 3; i++)
        {
            await Admin.CreateApiKeyAsync($"late-{i}", ["proxy"], cancellationToken: ct);
        }

        var auditor = await Admin.CreateApiKeyAsync("auditor", ["audit:read"], cancellationToken: ct);
        AuditorKey = auditor.ApiKey;
        Auditor = Server.Sdk(AuditorKey);
        Keys = await Admin.GetKeysAsync(ct);

        // Reads are not audited, so the chain is still now; wait (against a deadline) for the checkpoint over its tail.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var report = await Auditor.VerifyAuditChainAsync(ct);
            var latest = await Auditor.GetLatestAuditCheckpointAsync(ct);
            if (latest is not null && latest.Seq == report.LastSeq && report.LastSeq > 0)
            {
                LastSeq = report.LastSeq;
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No checkpoint covered the chain's tail (last seq {report.LastSeq}, latest checkpoint {latest?.Seq}).");
            }

            await Task.Delay(100, ct);
        }
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
