using Microsoft.AspNetCore.Http;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>
/// The audit chain: filterable, paged table, NDJSON export (admin or audit:read), and the server's verification of the
/// whole chain on demand: it reads every event of the tenant, so a view of the table does not run it.
/// </summary>
[Authorize(Policy = ConsolePolicies.Audit)]
internal sealed class AuditModel(ConsoleApi api, TimeProvider timeProvider) : ConsolePage(api)
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true, Name = "action")]
    public string? ActionFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "outcome")]
    public string? Outcome { get; set; }

    [BindProperty(SupportsGet = true, Name = "integration_id")]
    public string? IntegrationId { get; set; }

    [BindProperty(SupportsGet = true, Name = "order")]
    public string? Order { get; set; }

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    /// <summary>Whether this request asks the server to verify the whole chain (the "Verify the chain" button).</summary>
    [BindProperty(SupportsGet = true, Name = "verify")]
    public bool Verify { get; set; }

    public AuditEventPage? Events { get; private set; }

    /// <summary>The server's verification, when this request asked for it.</summary>
    public AuditChainVerification? Verification { get; private set; }

    /// <summary>When <see cref="Verification"/> was made.</summary>
    public DateTimeOffset? VerifiedAt { get; private set; }

    public bool Descending => !string.Equals(Order, "asc", StringComparison.Ordinal);

    private protected override async Task LoadAsync(QuantaSealClient api, CancellationToken cancellationToken)
    {
        if (Verify)
        {
            Verification = await api.VerifyAuditChainAsync(cancellationToken);
            VerifiedAt = timeProvider.GetUtcNow();
        }

        Events = await api.ListAuditEventsAsync(
            new AuditEventQuery(
                Action: Blank(ActionFilter),
                IntegrationId: Blank(IntegrationId),
                Outcome: Blank(Outcome),
                Limit: PageSize,
                Cursor: Blank(Cursor),
                Descending: Descending),
            cancellationToken);
    }

    /// <summary>The NDJSON export, streamed from the API to the browser as a download.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken cancellationToken)
    {
        var tenant = User.FindFirst(ConsoleClaims.TenantId)?.Value ?? "tenant";
        Response.ContentType = "application/x-ndjson";
        Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{tenant}.ndjson\"";
        await Api.ExportAuditAsync(Response.Body, cancellationToken);
        return new EmptyResult();
    }

    /// <summary>The query string of the next page, keeping the filters (not the verification: paging stays cheap).</summary>
    public string NextPageQuery(string cursor) =>
        QueryString.Create(Filters().Where(p => p.Key != "cursor").Append(new("cursor", cursor))).ToUriComponent();

    /// <summary>The filters and the page shown, as query parameters (the blank ones left out).</summary>
    public IEnumerable<KeyValuePair<string, string?>> Filters() => new Dictionary<string, string?>
    {
        ["action"] = Blank(ActionFilter),
        ["outcome"] = Blank(Outcome),
        ["integration_id"] = Blank(IntegrationId),
        ["order"] = Descending ? null : "asc",
        ["cursor"] = Blank(Cursor),
    }.Where(p => p.Value is not null);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
