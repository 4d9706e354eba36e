using QuantaSeal.Client.Integrations;

namespace QuantaSeal.Client;

/// <summary>Integrations (<c>/api/v2/integrations</c>, API key scope <c>admin</c>).</summary>
public sealed partial class QuantaSealClient
{
    private const string IntegrationsPath = "api/v2/integrations";

    /// <summary>The tenant's integrations.</summary>
    public async Task<IReadOnlyList<IntegrationDetails>> ListIntegrationsAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<DataList<IntegrationDetails>>(HttpMethod.Get, IntegrationsPath, null, null, cancellationToken).ConfigureAwait(false)).Data;

    /// <summary>One integration.</summary>
    /// <exception cref="QuantaSealApiException">404 when the tenant has no such integration.</exception>
    public Task<IntegrationDetails> GetIntegrationAsync(string integrationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(integrationId);
        return SendAsync<IntegrationDetails>(HttpMethod.Get, IntegrationsPath + "/" + Uri.EscapeDataString(integrationId), null, null, cancellationToken);
    }

    /// <summary>
    /// Changes an integration (<c>PATCH</c>): each argument left null keeps its value. <paramref name="allowedOperations"/>
    /// replaces the whole allowlist (an empty list allows nothing).
    /// </summary>
    public Task<IntegrationDetails> UpdateIntegrationAsync(string integrationId, string? name = null, IReadOnlyList<string>? allowedOperations = null, string? credentialId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(integrationId);
        return SendAsync<IntegrationDetails>(HttpMethod.Patch, IntegrationsPath + "/" + Uri.EscapeDataString(integrationId),
            new { name, allowed_operations = allowedOperations, credential_id = credentialId }, null, cancellationToken);
    }

    /// <summary>Deletes an integration; the answer is what it was.</summary>
    public Task<IntegrationDetails> DeleteIntegrationAsync(string integrationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(integrationId);
        return SendAsync<IntegrationDetails>(HttpMethod.Delete, IntegrationsPath + "/" + Uri.EscapeDataString(integrationId), null, null, cancellationToken);
    }

    /// <summary>
    /// Checks the connection (<c>POST /api/v2/integrations/{id}/check</c>): a fresh upstream token, its granted scopes
    /// and those the allowed operations need but were not granted. A refused token is a result, not an exception.
    /// </summary>
    public Task<ConnectionCheckResult> CheckIntegrationAsync(string integrationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(integrationId);
        return SendAsync<ConnectionCheckResult>(HttpMethod.Post, IntegrationsPath + "/" + Uri.EscapeDataString(integrationId) + "/check", null, null, cancellationToken);
    }
}
