using QuantaSeal.Connectors.Catalog;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Connectors.Http;

namespace QuantaSeal.Connectors;

/// <summary>
/// One identity provider's management API. Stateless and thread-safe: the integration grain owns the token cache,
/// single-flight and the one retry after a 401; a connector only acquires tokens and executes operations.
/// </summary>
public interface IUpstreamConnector
{
    /// <summary><c>auth0</c> or <c>okta</c>.</summary>
    string SystemType { get; }

    /// <summary>Credential types this connector accepts.</summary>
    IReadOnlyList<string> CredentialTypes { get; }

    /// <summary>
    /// Gets a token for <paramref name="credential"/>: client credentials (Auth0, Okta), a signed client assertion
    /// (Okta private_key_jwt, with DPoP when the app requires it), or the API token itself (Okta SSWS, no call).
    /// Scopes, when the credential names none, are the least set the allowed operations need.
    /// </summary>
    /// <exception cref="UpstreamCallException">The credentials were refused or the token endpoint failed.</exception>
    Task<UpstreamToken> AcquireTokenAsync(ConnectorTarget target, UpstreamCredential credential, IReadOnlyCollection<string> allowedOperations, CancellationToken cancellationToken = default);

    /// <summary>
    /// Executes a catalog operation whose payload the catalog validated (<see cref="IConnectorCatalog.Validate"/> made
    /// <paramref name="request"/>): the connector maps it onto the wire and does not read or check raw JSON again.
    /// Transient failures are retried a bounded number of times for safe methods only; 429 honours Retry-After.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="request"/> is another system's operation.</exception>
    Task<UpstreamResponse> ExecuteAsync(ConnectorTarget target, UpstreamToken token, OperationRequest request, CancellationToken cancellationToken = default);
}
