using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using QuantaSeal.Client;
using QuantaSeal.Client.Audit;
using QuantaSeal.AdminConsole.Sessions;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>The audit chain: filterable, paged table, verify badge, NDJSON export (admin or audit:read).</summary>
[Authorize(Policy = ConsolePolicies.Audit)]
internal sealed class AuditModel(ConsoleApi api) : ConsolePage(api)
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

    public AuditEventPage? Events { get; private set; }

    public AuditChainVerification? Verification { get; private set; }

    public bool Descending => !string.Equals(Order, "asc", StringComparison.Ordinal);

    public async Task OnGetAsync(CancellationToken cancellationToken) => await ReloadAsync(cancellationToken);

    private protected override async Task LoadAsync(QuantaSealClient api, CancellationToken cancellationToken)
    {
        Verification = await api.VerifyAuditChainAsync(cancellationToken);
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

    /// <summary>The query string of the next page, keeping the filters.</summary>
    public string NextPageQuery(string cursor) => QueryString.Create(new Dictionary<string, string?>
    {
        ["action"] = Blank(ActionFilter),
        ["outcome"] = Blank(Outcome),
        ["integration_id"] = Blank(IntegrationId),
        ["order"] = Descending ? null : "asc",
        ["cursor"] = cursor,
    }.Where(p => p.Value is not null)).ToUriComponent();

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
