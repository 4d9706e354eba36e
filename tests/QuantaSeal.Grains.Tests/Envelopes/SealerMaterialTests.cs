using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Security;
using QuantaSeal.Grains.Tenants;
using QuantaSeal.Grains.Tests.Tenants;

namespace QuantaSeal.Grains.Tests.Envelopes;

/// <summary>
/// Issue 11 item 5: the proxy reads the tenant's sealing material once per call and names its version to the sealer,
/// which may reuse material it holds at that version or newer. A version the sealer does not hold yet must never be
/// served from an older copy: a revocation that the caller has already seen applies to that very seal.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SealerMaterialTests(ClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANamedVersion_NewerThanTheSealersCopy_IsReadAgain_SoARevocationApplies()
    {
        var tenantId = Ids.New(Ids.Tenant);
        RequestContext.Clear();
        TenantCallContext.SetOperator();
        await fixture.Client.GetGrain<ITenantGrain>(tenantId).CreateAsync(new CreateTenantCommand("sealer-cache", "live"), Ct);
        var tenant = Tenant(tenantId);
        using var first = MlKem768KeyPair.Generate();
        using var second = MlKem768KeyPair.Generate();
        var one = await tenant.RegisterWithProofAsync(first, null, Ct);
        var two = await Tenant(tenantId).RegisterWithProofAsync(second, null, Ct);
        var before = await Tenant(tenantId).GetSealingMaterialAsync(Ct);

        // Every sealer activation now holds `before` (or reads it): seal to the first key at that version.
        var sealedBefore = await Sealer(tenantId).SealAsync(Request(one.RecipientKeyId, before.KeyVersion), Ct);
        await Tenant(tenantId).RevokeRecipientKeyAsync(one.RecipientKeyId, Ct);
        var after = await Tenant(tenantId).GetSealingMaterialAsync(Ct);

        var refused = await Assert.ThrowsAsync<NoRecipientKeyException>(() => Sealer(tenantId).SealAsync(Request(one.RecipientKeyId, after.KeyVersion), Ct));
        var sealedAfter = await Sealer(tenantId).SealAsync(Request(two.RecipientKeyId, after.KeyVersion), Ct);

        Assert.True(after.KeyVersion > before.KeyVersion);
        Assert.NotNull(refused);
        Assert.Equal(one.RecipientKeyId, sealedBefore.RecipientKeyId);
        Assert.Equal(two.RecipientKeyId, sealedAfter.RecipientKeyId);
        // The envelope sealed at the newer version still opens with the second key (the reused material is real).
        var decoded = HybridEnvelope.FromJson(sealedAfter.Json);
        Assert.Equal(two.RecipientKeyId, decoded.Encrypted.RecipientKeyId);
    }

    [Fact]
    public async Task WithoutAVersion_TheSealerAlwaysReadsTheCurrentMaterial()
    {
        var tenantId = Ids.New(Ids.Tenant);
        RequestContext.Clear();
        TenantCallContext.SetOperator();
        await fixture.Client.GetGrain<ITenantGrain>(tenantId).CreateAsync(new CreateTenantCommand("sealer-fresh", "live"), Ct);
        using var key = MlKem768KeyPair.Generate();
        var one = await Tenant(tenantId).RegisterWithProofAsync(key, null, Ct);
        var material = await Tenant(tenantId).GetSealingMaterialAsync(Ct);
        await Sealer(tenantId).SealAsync(Request(one.RecipientKeyId, material.KeyVersion), Ct);

        await Tenant(tenantId).RevokeRecipientKeyAsync(one.RecipientKeyId, Ct);

        await Assert.ThrowsAsync<NoRecipientKeyException>(() => Sealer(tenantId).SealAsync(Request(one.RecipientKeyId, null), Ct));
    }

    private static EnvelopeRequest Request(string recipientKeyId, int? version) =>
        new(recipientKeyId, AuditIds.New(), true, """{"ok":true}"""u8.ToArray(), MaterialVersion: version);

    private ITenantGrain Tenant(string tenantId)
    {
        RequestContext.Clear();
        TenantCallContext.SetTenant(tenantId);
        return fixture.Client.GetGrain<ITenantGrain>(tenantId);
    }

    private IEnvelopeSealerGrain Sealer(string tenantId)
    {
        RequestContext.Clear();
        TenantCallContext.SetTenant(tenantId);
        return fixture.Client.GetGrain<IEnvelopeSealerGrain>(tenantId);
    }
}
