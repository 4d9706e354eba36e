namespace QuantaSeal.AdminConsole.Pages;

/// <summary>Integrations: list, and create from the connector catalog by ticking operations.</summary>
[Authorize(Policy = ConsolePolicies.Admin)]
internal sealed class IntegrationsModel(ConsoleApi api) : ConsolePage(api)
{
    [BindProperty(SupportsGet = true, Name = "system")]
    public string? SystemType { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Domain { get; set; }

    [BindProperty]
    public string? CredentialId { get; set; }

    [BindProperty]
    public List<string> Operations { get; set; } = [];

    public IReadOnlyList<IntegrationDetails> Integrations { get; private set; } = [];

    public IReadOnlyList<ConnectorSystem> Systems { get; private set; } = [];

    public IReadOnlyList<CredentialDetails> Credentials { get; private set; } = [];

    public ConnectorSystem? Selected => Systems.FirstOrDefault(s => s.SystemType == SystemType);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        IntegrationDetails? created = null;
        await TryAsync(async api => created = await api.CreateIntegrationAsync(
            SystemType ?? string.Empty, Name?.Trim() ?? string.Empty, Domain?.Trim() ?? string.Empty, CredentialId ?? string.Empty, Operations, cancellationToken));
        if (created is not null)
        {
            return Redirect("/console/integrations/" + Uri.EscapeDataString(created.IntegrationId) + "?created=true");
        }

        return await PageAsync(cancellationToken);
    }

    private protected override async Task LoadAsync(QuantaSealClient api, CancellationToken cancellationToken)
    {
        Integrations = await api.ListIntegrationsAsync(cancellationToken);
        Systems = await api.ListConnectorsAsync(cancellationToken);
        Credentials = await api.ListCredentialsAsync(cancellationToken);
    }
}
