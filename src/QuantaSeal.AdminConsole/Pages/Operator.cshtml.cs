using System.Net;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>
/// Operator: create a tenant, and recover a locked-out tenant's admin access. The one-time secrets (API keys, HMAC key)
/// are rendered in that one answer only, with copy buttons and download links; the console keeps none of them.
/// </summary>
[Authorize(Policy = ConsolePolicies.Operator)]
internal sealed class OperatorModel(ConsoleApi api) : ConsolePage(api)
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string Environment { get; set; } = "live";

    /// <summary>The tenant whose admin access is recovered.</summary>
    [BindProperty]
    public string? RecoverTenantId { get; set; }

    /// <summary>The recovered key's name.</summary>
    [BindProperty]
    public string? RecoverName { get; set; }

    [BindProperty]
    public string RecoverEnvironment { get; set; } = "live";

    /// <summary>The tenant just created; never stored by the console.</summary>
    public TenantCreation? Created { get; private set; }

    /// <summary>The admin key just issued by the recovery path; never stored by the console.</summary>
    public ApiKeyCreation? Recovered { get; private set; }

    /// <summary>The tenant of <see cref="Recovered"/>.</summary>
    public string? RecoveredTenantId { get; private set; }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var operatorKey = ConsoleApi.KeyOf(User);
        if (await TryAsync(async api => Created = await api.CreateTenantAsync(operatorKey, Name?.Trim() ?? string.Empty, Environment, cancellationToken)))
        {
            Name = null;
        }

        return Page();
    }

    /// <summary>
    /// The lock-out recovery path of the API (<c>POST /api/v2/tenants/{id}/recovery-admin-key</c>): a new admin key for
    /// a tenant whose admins lost theirs, recorded in that tenant's audit chain with actor <c>operator</c>.
    /// </summary>
    public async Task<IActionResult> OnPostRecoverAsync(CancellationToken cancellationToken)
    {
        var operatorKey = ConsoleApi.KeyOf(User);
        var tenantId = RecoverTenantId?.Trim() ?? string.Empty;
        if (tenantId.Length == 0)
        {
            Error = "Enter the id of the tenant (ten_…) whose admin access to recover.";
            return Page();
        }

        var name = string.IsNullOrWhiteSpace(RecoverName) ? "recovered-admin" : RecoverName.Trim();
        if (await TryAsync(async api => Recovered = await api.RecoverAdminKeyAsync(operatorKey, tenantId, name, RecoverEnvironment, cancellationToken)))
        {
            RecoveredTenantId = tenantId;
            RecoverTenantId = null;
            RecoverName = null;
        }

        return Page();
    }

    public static string DataUrl(string text) => "data:text/plain;base64," + Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(text + "\n"));

    /// <summary>
    /// Operator calls: the operator key travels per call (the client holds no API key). A 401 means the operator key
    /// changed since sign-in; it propagates so the session ends like any other refused key.
    /// </summary>
    private protected override QuantaSealClient Api => Connection.For((string?)null);

    private protected override string Refusal(QuantaSealApiException ex) =>
        ex.StatusCode == HttpStatusCode.NotFound ? "There is no such tenant. (HTTP 404)" : Describe(ex);
}
