using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>One audit event with its inclusion proof, checked here against the tenant's published signing keys.</summary>
[Authorize(Policy = ConsolePolicies.Audit)]
internal sealed class AuditEventModel(ConsoleApi api) : ConsolePage(api)
{
    [BindProperty(SupportsGet = true)]
    public string EventId { get; set; } = string.Empty;

    public AuditEventWithProof? Detail { get; private set; }

    public AuditInclusionProofResult? ProofResult { get; private set; }

    private protected override async Task LoadAsync(QuantaSealClient api, CancellationToken cancellationToken)
    {
        Detail = await api.GetAuditEventAsync(EventId, cancellationToken);
        var keys = await api.GetKeysAsync(cancellationToken);
        ProofResult = Detail.VerifyProof(keys.SigningPublicKeysById());
    }
}
