using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using QuantaSeal.Client.Audit;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.AdminConsole.Sessions;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>One audit event with its inclusion proof, checked here against the tenant's published signing keys.</summary>
[Authorize(Policy = ConsolePolicies.Audit)]
internal sealed class AuditEventModel(ConsoleApi api) : ConsolePage(api)
{
    [BindProperty(SupportsGet = true)]
    public string EventId { get; set; } = string.Empty;

    public AuditEventWithProof? Detail { get; private set; }

    public AuditInclusionProofResult? ProofResult { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var client = Api;
        await TryAsync(async () =>
        {
            Detail = await client.GetAuditEventAsync(EventId, cancellationToken);
            var keys = await client.GetKeysAsync(cancellationToken);
            ProofResult = Detail.VerifyProof(keys.SigningPublicKeysById());
        });
        return Page();
    }
}
