using System.Text.Json;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Client.Encryption;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Grains.Vault;
using QuantaSeal.Samples.EmbeddedHost.Users;

namespace QuantaSeal.Samples.EmbeddedHost;

/// <summary>
/// One pass through the sample, all through grain calls: create a tenant, register the client's recipient key, seal the
/// Auth0 credential, create the integration, then let the host's own grain list users through QuantaSeal and open
/// the answer with the SDK.
/// </summary>
public static class EmbeddedDemo
{
    /// <summary>Runs the demo against a running silo.</summary>
    public static async Task<DemoResult> RunAsync(IGrainFactory grains, DemoUpstream upstream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(upstream);

        // 1. Operator step: create the tenant. Its HMAC key and signing public key go to whoever opens envelopes.
        var tenantId = Ids.New(Ids.Tenant);
        RequestContext.Clear();
        TenantCallContext.SetOperator();
        TenantCallContext.SetActor(UserDirectoryGrain.Actor);
        var tenant = await grains.GetGrain<ITenantGrain>(tenantId).CreateAsync(new CreateTenantCommand("embedded-demo", "live"), cancellationToken);

        // 2. Everything else acts for that tenant.
        RequestContext.Clear();
        TenantCallContext.SetTenant(tenantId);
        TenantCallContext.SetActor(UserDirectoryGrain.Actor);

        // The client side: an ML-KEM-768 recipient key, registered with a proof of possession (SDK).
        using var recipient = RecipientKey.Generate();
        var tenantGrain = grains.GetGrain<ITenantGrain>(tenantId);
        var challenge = await tenantGrain.CreateRecipientKeyChallengeAsync(recipient.PublicKey, cancellationToken);
        var proof = recipient.ProveRegistration(tenantId, challenge.ChallengeId, challenge.CiphertextKem);
        await tenantGrain.RegisterRecipientKeyAsync(
            new RegisterRecipientKeyCommand(recipient.PublicKey, "embedded-host", challenge.ChallengeId, proof), cancellationToken);

        // Seal the M2M credential to the tenant's vault key; QuantaSeal never returns it in clear.
        var credentialId = Ids.New(Ids.Credential);
        var vaultKey = await tenantGrain.GetVaultPublicKeyAsync(cancellationToken);
        var values = JsonSerializer.SerializeToElement(new Dictionary<string, string>
        {
            ["client_id"] = upstream.ClientId,
            ["client_secret"] = upstream.ClientSecret,
            ["audience"] = upstream.Audience,
        });
        var sealedCredential = CredentialSealing.Seal(
            vaultKey, tenantId, credentialId, "oauth2_client", 1, CredentialTypes.Canonicalize("oauth2_client", values));
        await grains.GetGrain<ICredentialGrain>(credentialId)
            .CreateAsync(new CreateCredentialCommand("oauth2_client", sealedCredential, "auth0-m2m"), cancellationToken);

        var integrationId = Ids.New(Ids.Integration);
        await grains.GetGrain<IIntegrationGrain>(integrationId).CreateAsync(
            new CreateIntegrationCommand("auth0", "embedded-demo", upstream.Domain, credentialId, ["get_users"]), cancellationToken);
        RequestContext.Clear();

        // 3. The host's own grain does the call (it sets the tenant context itself, see UserDirectoryGrain).
        var customer = $"customer-{Guid.NewGuid():N}";
        var directory = grains.GetGrain<IUserDirectoryGrain>(customer);
        await directory.ConnectAsync(tenantId, integrationId, cancellationToken);
        var listing = await directory.ListUsersAsync(5, cancellationToken);
        if (!listing.Success || listing.EnvelopeJson is null)
        {
            throw new InvalidOperationException($"The proxied call failed ({listing.ErrorType}); audit event {listing.AuditEventId}.");
        }

        // 4. Open the envelope with the SDK: both signatures are verified against the pinned keys before decryption.
        using var encryption = new Encryption(
            new Dictionary<string, byte[]> { [tenant.SigningKey.KeyId] = tenant.SigningKey.PublicKey }, tenant.HmacKey, recipient, tenantId);
        var usersJson = encryption.DecryptString(listing.EnvelopeJson);
        return new DemoResult(tenantId, integrationId, customer, listing.AuditEventId, usersJson, listing.Calls);
    }
}
