using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>Overview: tenant, signing and recipient keys, counts, chain head and latest checkpoint (no chain walk: see the audit page).</summary>
[Authorize(Policy = ConsolePolicies.Audit)]
internal sealed class IndexModel(ConsoleApi api) : ConsolePage(api)
{
    public TenantKeys? Keys { get; private set; }

    public int? CredentialCount { get; private set; }

    public int? IntegrationCount { get; private set; }

    /// <summary>The seq of the chain's newest event (0: none yet).</summary>
    public long HeadSeq { get; private set; }

    /// <summary>The chain hash at <see cref="HeadSeq"/>.</summary>
    public string? HeadHash { get; private set; }

    public AuditCheckpoint? Checkpoint { get; private set; }

    private protected override async Task LoadAsync(QuantaSealClient api, CancellationToken cancellationToken)
    {
        Keys = await api.GetKeysAsync(cancellationToken);
        if (User.HasClaim(ConsoleClaims.Role, ConsoleRoles.Admin))
        {
            CredentialCount = (await api.ListCredentialsAsync(cancellationToken)).Count;
            IntegrationCount = (await api.ListIntegrationsAsync(cancellationToken)).Count;
        }

        // The newest event is the chain head; verifying the whole chain is the audit page's, on demand.
        var newest = (await api.ListAuditEventsAsync(new AuditEventQuery(Limit: 1, Descending: true), cancellationToken)).Items;
        if (newest.Count > 0)
        {
            HeadSeq = newest[0].Seq;
            HeadHash = newest[0].Hash;
        }
        Checkpoint = await api.GetLatestAuditCheckpointAsync(cancellationToken);
    }
}
