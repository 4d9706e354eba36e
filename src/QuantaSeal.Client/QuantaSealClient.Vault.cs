using QuantaSeal.Client.Vault;

namespace QuantaSeal.Client;

/// <summary>The vault (<c>/api/v2/vault</c>, API key scope <c>admin</c>). No call returns a credential's values.</summary>
public sealed partial class QuantaSealClient
{
    private const string CredentialsPath = "api/v2/vault/credentials";

    /// <summary>The credential types and their fields (which are secret, which optional).</summary>
    public async Task<IReadOnlyList<CredentialTypeDetails>> ListCredentialTypesAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<DataList<CredentialTypeDetails>>(HttpMethod.Get, "api/v2/vault/credential-types", null, null, cancellationToken).ConfigureAwait(false)).Data;

    /// <summary>The tenant's sealed credentials (metadata only).</summary>
    public async Task<IReadOnlyList<CredentialDetails>> ListCredentialsAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<DataList<CredentialDetails>>(HttpMethod.Get, CredentialsPath, null, null, cancellationToken).ConfigureAwait(false)).Data;

    /// <summary>One credential's metadata.</summary>
    public Task<CredentialDetails> GetCredentialAsync(string credentialId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(credentialId);
        return SendAsync<CredentialDetails>(HttpMethod.Get, CredentialsPath + "/" + Uri.EscapeDataString(credentialId), null, null, cancellationToken);
    }

    /// <summary>Deletes a credential.</summary>
    /// <exception cref="QuantaSealApiException">409 (<c>credential-in-use</c>) while an integration uses it; the detail names them.</exception>
    public Task<CredentialDetails> DeleteCredentialAsync(string credentialId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(credentialId);
        return SendAsync<CredentialDetails>(HttpMethod.Delete, CredentialsPath + "/" + Uri.EscapeDataString(credentialId), null, null, cancellationToken);
    }
}
