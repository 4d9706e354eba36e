using QuantaSeal.Client.Connectors;

namespace QuantaSeal.Client;

/// <summary>The connector catalog (<c>GET /api/v2/connectors</c>, any scope).</summary>
public sealed partial class QuantaSealClient
{
    /// <summary>Systems, their operations, payload fields and the upstream scopes each operation needs.</summary>
    public async Task<IReadOnlyList<ConnectorSystem>> ListConnectorsAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<DataList<ConnectorSystem>>(HttpMethod.Get, "api/v2/connectors", null, null, cancellationToken).ConfigureAwait(false)).Data;
}
