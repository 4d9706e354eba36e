using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Proxy;
using QuantaSeal.Abstractions.Tenants;

namespace QuantaSeal.Samples.EmbeddedHost.Users;

/// <summary>
/// The host's grain. It is not reentrant: its own state changes one call at a time, and it waits for QuantaSeal while
/// QuantaSeal's integration grain interleaves concurrent proxy calls on its side.
/// </summary>
[GrainType("sample.user-directory")]
internal sealed class UserDirectoryGrain(
    [PersistentState(UserDirectoryGrain.StateName)] IPersistentState<UserDirectoryState> state) : Grain, IUserDirectoryGrain
{
    /// <summary>The state name, on the host's default provider; stored under exactly this name.</summary>
    internal const string StateName = "user-directory";

    /// <summary>Who acts, as recorded in the tenant's audit chain: the host names its own service principal.</summary>
    internal const string Actor = "svc:embedded-host";

    public async Task ConnectAsync(string tenantId, string integrationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(integrationId);
        state.State.TenantId = tenantId;
        state.State.IntegrationId = integrationId;
        await state.WriteStateAsync(cancellationToken);
    }

    public async Task<UserListing> ListUsersAsync(int perPage, CancellationToken cancellationToken = default)
    {
        var (tenantId, integrationId) = (state.State.TenantId, state.State.IntegrationId);
        if (tenantId is null || integrationId is null)
        {
            throw new InvalidOperationException($"Customer {this.GetPrimaryKeyString()} is not connected to a QuantaSeal integration.");
        }

        var payload = string.Create(CultureInfo.InvariantCulture, $$"""{"per_page":{{perPage}}}""");
        var requestSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload)));

        // This service is inside QuantaSeal's trust boundary (a cluster member, docs/cluster.md): it decides which tenant
        // it acts for and names itself as the actor. QuantaSeal's grains check every call against that tenant and record
        // the call in the tenant's audit chain under that actor.
        TenantCallContext.SetTenant(tenantId);
        TenantCallContext.SetActor(Actor);
        ProxyResult result;
        try
        {
            result = await GrainFactory.GetGrain<IIntegrationGrain>(integrationId)
                .ProxyAsync(new ProxyCommand("get_users", payload, null, Actor, requestSha256), cancellationToken);
        }
        finally
        {
            RequestContext.Remove(TenantCallContext.TenantKey);
            RequestContext.Remove(TenantCallContext.ActorKey);
        }

        state.State.Calls++;
        state.State.LastAuditEventId = result.AuditEventId;
        await state.WriteStateAsync(cancellationToken);
        return new UserListing(result.Success, result.AuditEventId, result.EnvelopeJson, result.ErrorType, state.State.Calls);
    }
}
