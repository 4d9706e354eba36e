using System.Text.Json;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>One integration: edit the allowlist, check the connection, try a call, delete.</summary>
[Authorize(Policy = ConsolePolicies.Admin)]
internal sealed class IntegrationModel(ConsoleApi api) : ConsolePage(api)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [BindProperty(SupportsGet = true)]
    public string IntegrationId { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true, Name = "created")]
    public bool JustCreated { get; set; }

    [BindProperty]
    public List<string> Operations { get; set; } = [];

    [BindProperty]
    public string? Operation { get; set; }

    [BindProperty]
    public string? Payload { get; set; }

    public IntegrationDetails? Integration { get; private set; }

    public ConnectorSystem? Connector { get; private set; }

    public ConnectionCheckResult? Check { get; private set; }

    public ProxyResponse? Call { get; private set; }

    /// <summary>The envelope of <see cref="Call"/>, indented.</summary>
    public string? EnvelopeJson { get; private set; }

    /// <summary>
    /// The envelope's <c>paging.next_cursor</c>, as the server sent it. The console holds no client key, so it shows the
    /// envelope's members unverified (the SDK hands out only verified ones); the downloaded envelope and
    /// <c>quantaseal envelope open</c> verify them.
    /// </summary>
    public string? CallNextCursor =>
        Call?.Envelope?.Paging is { ValueKind: JsonValueKind.Object } paging && paging.TryGetProperty("next_cursor", out var cursor) && cursor.ValueKind == JsonValueKind.String
            ? cursor.GetString()
            : null;

    /// <summary>The envelope's <c>rate_limit</c> values as "name value" pairs, as the server sent them (see <see cref="CallNextCursor"/>).</summary>
    public string? CallRateLimit =>
        Call?.Envelope?.RateLimit is { ValueKind: JsonValueKind.Object } rateLimit
            ? string.Join(", ", rateLimit.EnumerateObject().Select(p => p.Name + " " + (p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())))
            : null;

    public override Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (JustCreated)
        {
            Notice = $"Created {IntegrationId}. Check the connection, then try a call.";
        }

        return base.OnGetAsync(cancellationToken);
    }

    public Task<IActionResult> OnPostAllowlistAsync(CancellationToken cancellationToken) => ChangeAsync(
        async api =>
        {
            var updated = await api.UpdateIntegrationAsync(IntegrationId, allowedOperations: Operations, cancellationToken: cancellationToken);
            return updated.AllowedOperations.Count == 0 ? "Allowlist saved: every operation is now denied." : "Allowlist saved: " + string.Join(", ", updated.AllowedOperations) + ".";
        },
        cancellationToken);

    public Task<IActionResult> OnPostCheckAsync(CancellationToken cancellationToken) =>
        ActAsync(async api => Check = await api.CheckIntegrationAsync(IntegrationId, cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostCallAsync(CancellationToken cancellationToken)
    {
        JsonElement? payload = null;
        if (!string.IsNullOrWhiteSpace(Payload))
        {
            try
            {
                using var doc = JsonDocument.Parse(Payload);
                payload = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                Error = "The payload is not valid JSON.";
            }
        }

        if (Error is null)
        {
            await TryAsync(async api =>
            {
                Call = await api.ProxyAsync(IntegrationId, Operation ?? string.Empty, payload, cancellationToken: cancellationToken);
                if (Call.Envelope is { } envelope)
                {
                    using var doc = JsonDocument.Parse(envelope.ToJson());
                    EnvelopeJson = JsonSerializer.Serialize(doc.RootElement, Indented);
                }
            });
        }

        return await PageAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        if (await TryAsync(api => api.DeleteIntegrationAsync(IntegrationId, cancellationToken)))
        {
            return Redirect("/console/integrations");
        }

        return await PageAsync(cancellationToken);
    }

    /// <summary>The envelope as a download link target (<c>data:</c> URL: the console keeps no copy).</summary>
    public string EnvelopeDataUrl => "data:application/json;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(EnvelopeJson ?? "{}"));

    private protected override async Task LoadAsync(QuantaSealClient api, CancellationToken cancellationToken)
    {
        Integration = await api.GetIntegrationAsync(IntegrationId, cancellationToken);
        Connector = (await api.ListConnectorsAsync(cancellationToken)).FirstOrDefault(s => s.SystemType == Integration.SystemType);
    }
}
