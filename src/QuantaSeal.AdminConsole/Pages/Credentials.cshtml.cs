namespace QuantaSeal.AdminConsole.Pages;

/// <summary>
/// Credentials: seal with a form generated from <c>GET /api/v2/vault/credential-types</c>, rotate, delete. Values go
/// straight into the API call and are never rendered back, logged or kept.
/// </summary>
[Authorize(Policy = ConsolePolicies.Admin)]
internal sealed class CredentialsModel(ConsoleApi api) : ConsolePage(api)
{
    [BindProperty(SupportsGet = true, Name = "type")]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true, Name = "rotate")]
    public string? Rotate { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public Dictionary<string, string?> Values { get; set; } = new(StringComparer.Ordinal);

    public IReadOnlyList<CredentialTypeDetails> Types { get; private set; } = [];

    public IReadOnlyList<CredentialDetails> Credentials { get; private set; } = [];

    /// <summary>The type whose form is shown (for sealing, or for rotating <see cref="Rotate"/>).</summary>
    public CredentialTypeDetails? Selected { get; private set; }

    public Task<IActionResult> OnPostSealAsync(CancellationToken cancellationToken) => SubmitAsync(
        _ => Task.FromResult(Type),
        "Choose a credential type.",
        async (api, type, values) =>
        {
            var sealedCredential = await api.SealCredentialAsync(type.CredentialType, values, string.IsNullOrWhiteSpace(Name) ? null : Name.Trim(), cancellationToken);
            Notice = $"Sealed {sealedCredential.CredentialId} (fingerprint {sealedCredential.Fingerprint}). Its values will never be shown again.";
            Type = null;
            Name = null;
        },
        cancellationToken);

    public Task<IActionResult> OnPostRotateAsync(CancellationToken cancellationToken) => SubmitAsync(
        async api => Rotate is null ? null : (await api.GetCredentialAsync(Rotate, cancellationToken)).CredentialType,
        "Choose a credential to rotate.",
        async (api, _, values) =>
        {
            var rotated = await api.RotateCredentialAsync(Rotate!, values, cancellationToken);
            Notice = $"Rotated {rotated.CredentialId} to version {rotated.Version}; integrations using it drop their cached token.";
            Rotate = null;
        },
        cancellationToken);

    public Task<IActionResult> OnPostDeleteAsync(string credentialId, CancellationToken cancellationToken) => ChangeAsync(
        async api =>
        {
            await api.DeleteCredentialAsync(credentialId, cancellationToken);
            return $"Deleted {credentialId}.";
        },
        cancellationToken);

    /// <summary>
    /// Seal and rotate: finds the form's type (<paramref name="typeOf"/>), submits its values, then loads the page once,
    /// with the form again if the API refused them. The submitted values are never rendered back.
    /// </summary>
    private async Task<IActionResult> SubmitAsync(
        Func<QuantaSealClient, Task<string?>> typeOf,
        string missing,
        Func<QuantaSealClient, CredentialTypeDetails, Dictionary<string, object>, Task> submit,
        CancellationToken cancellationToken)
    {
        await TryAsync(async api =>
        {
            Types = await api.ListCredentialTypesAsync(cancellationToken);
            var typeName = await typeOf(api);
            if (Types.FirstOrDefault(t => t.CredentialType == typeName) is not { } type)
            {
                Error = missing;
                return;
            }

            await submit(api, type, ToValues(type));
        });
        Values.Clear();
        return await PageAsync(cancellationToken);
    }

    private protected override async Task LoadAsync(QuantaSealClient api, CancellationToken cancellationToken)
    {
        if (Types.Count == 0)
        {
            Types = await api.ListCredentialTypesAsync(cancellationToken);
        }

        Credentials = await api.ListCredentialsAsync(cancellationToken);
        var type = Rotate is not null ? Credentials.FirstOrDefault(c => c.CredentialId == Rotate)?.CredentialType : Type;
        Selected = Types.FirstOrDefault(t => t.CredentialType == type);
    }

    /// <summary>The submitted values of the type's fields; blank optional fields are left out; lists split on commas or spaces.</summary>
    private Dictionary<string, object> ToValues(CredentialTypeDetails type)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var field in type.Fields)
        {
            if (!Values.TryGetValue(field.Name, out var text) || string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            values[field.Name] = field.Type.EndsWith("[]", StringComparison.Ordinal)
                ? text.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : field.Name == "private_key" ? text : text.Trim();
        }

        return values;
    }
}
