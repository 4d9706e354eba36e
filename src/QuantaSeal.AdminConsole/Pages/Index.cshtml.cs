using Microsoft.AspNetCore.Authorization;
using QuantaSeal.Client;
using QuantaSeal.Client.Audit;
using QuantaSeal.Client.Tenants;
using QuantaSeal.AdminConsole.Sessions;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>Overview: tenant, signing and recipient keys, counts, chain head and latest checkpoint.</summary>
[Authorize(Policy = ConsolePolicies.Audit)]
internal sealed class IndexModel(ConsoleApi api) : ConsolePage(api)
{
    public TenantKeys? Keys { get; private set; }

    public int? CredentialCount { get; private set; }

    public int? IntegrationCount { get; private set; }

    public AuditChainVerification? Verification { get; private set; }

    public AuditCheckpointDetails? Checkpoint { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await ReloadAsync(cancellationToken);

    private protected override async Task LoadAsync(QuantaSealClient api, CancellationToken cancellationToken)
    {
        Keys = await api.GetKeysAsync(cancellationToken);
        if (User.HasClaim(ConsoleClaims.Role, ConsoleRoles.Admin))
        {
            CredentialCount = (await api.ListCredentialsAsync(cancellationToken)).Count;
            IntegrationCount = (await api.ListIntegrationsAsync(cancellationToken)).Count;
        }

        Verification = await api.VerifyAuditChainAsync(cancellationToken);
        Checkpoint = await api.GetLatestAuditCheckpointAsync(cancellationToken);
    }
}
