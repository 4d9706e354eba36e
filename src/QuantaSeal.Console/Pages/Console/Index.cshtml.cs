using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using QuantaSeal.Client.Audit;
using QuantaSeal.Client.Tenants;
using QuantaSeal.Console.Sessions;

namespace QuantaSeal.Console.Pages.Console;

/// <summary>Overview: tenant, signing and recipient keys, counts, chain head and latest checkpoint.</summary>
[Authorize(Policy = ConsolePolicies.Audit)]
internal sealed class IndexModel(ConsoleApi api) : ConsolePage(api)
{
    public TenantKeys? Keys { get; private set; }

    public int? CredentialCount { get; private set; }

    public int? IntegrationCount { get; private set; }

    public AuditChainVerification? Verification { get; private set; }

    public AuditCheckpointDetails? Checkpoint { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var client = Api;
        await TryAsync(async () =>
        {
            Keys = await client.GetKeysAsync(cancellationToken);
            if (User.HasClaim(ConsoleClaims.Role, ConsoleRoles.Admin))
            {
                CredentialCount = (await client.ListCredentialsAsync(cancellationToken)).Count;
                IntegrationCount = (await client.ListIntegrationsAsync(cancellationToken)).Count;
            }

            Verification = await client.VerifyAuditChainAsync(cancellationToken);
            Checkpoint = await client.GetLatestAuditCheckpointAsync(cancellationToken);
        });
        return Page();
    }
}
