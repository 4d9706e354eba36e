using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Grains.Security;
using QuantaSeal.Grains.Tenants;

namespace QuantaSeal.Grains.Tests.Tenants;

/// <summary>Issue 13 findings 1 (recipient keys) and 7 (lock-out), at the tenant grain every caller goes through.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TenantHardeningTests(ClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string TenantId, TenantCreated Created)> CreateTenantAsync()
    {
        var tenantId = Ids.New(Ids.Tenant);
        RequestContext.Clear();
        TenantCallContext.SetOperator();
        var created = await fixture.Client.GetGrain<ITenantGrain>(tenantId).CreateAsync(new CreateTenantCommand("hardening", "live"), Ct);
        RequestContext.Clear();
        return (tenantId, created);
    }

    private ITenantGrain Tenant(string tenantId)
    {
        RequestContext.Clear();
        TenantCallContext.SetTenant(tenantId);
        return fixture.Client.GetGrain<ITenantGrain>(tenantId);
    }

    [Fact]
    public async Task AllZeroRecipientKey_IsRefused_EvenWithoutAChallenge()
    {
        var (a, _) = await CreateTenantAsync();

        var ex = await Assert.ThrowsAsync<QuantaSealValidationException>(() =>
            Tenant(a).CreateRecipientKeyChallengeAsync(new byte[PqcSizes.MlKem768PublicKey], Ct));
        var direct = await Assert.ThrowsAsync<QuantaSealValidationException>(() =>
            Tenant(a).RegisterRecipientKeyAsync(new RegisterRecipientKeyCommand(new byte[PqcSizes.MlKem768PublicKey], null), Ct));

        Assert.Equal("public_key", ex.Field);
        Assert.Equal("public_key", direct.Field);
        Assert.Empty((await Tenant(a).GetPublicKeysAsync(Ct)).RecipientKeys);
    }

    [Fact]
    public async Task Registration_WithoutProof_IsRefused()
    {
        var (a, _) = await CreateTenantAsync();
        using var key = MlKem768KeyPair.Generate();

        var ex = await Assert.ThrowsAsync<QuantaSealValidationException>(() =>
            Tenant(a).RegisterRecipientKeyAsync(new RegisterRecipientKeyCommand(key.PublicKey, null), Ct));

        Assert.Equal("proof", ex.Field);
        Assert.Empty((await Tenant(a).GetPublicKeysAsync(Ct)).RecipientKeys);
    }

    [Fact]
    public async Task Registration_WithAProofFromAnotherKey_IsRefused_AndTheChallengeIsSpent()
    {
        var (a, _) = await CreateTenantAsync();
        using var key = MlKem768KeyPair.Generate();
        using var other = MlKem768KeyPair.Generate();
        var challenge = await Tenant(a).CreateRecipientKeyChallengeAsync(key.PublicKey, Ct);
        var wrongSecret = other.Decapsulate(challenge.CiphertextKem);
        var wrongProof = RecipientKeyProof.Compute(wrongSecret, a, challenge.ChallengeId, key.PublicKey);
        var rightProof = RecipientKeyProof.Compute(key.Decapsulate(challenge.CiphertextKem), a, challenge.ChallengeId, key.PublicKey);

        var wrong = await Assert.ThrowsAsync<QuantaSealValidationException>(() =>
            Tenant(a).RegisterRecipientKeyAsync(new RegisterRecipientKeyCommand(key.PublicKey, null, challenge.ChallengeId, wrongProof), Ct));
        var replay = await Assert.ThrowsAsync<QuantaSealValidationException>(() =>
            Tenant(a).RegisterRecipientKeyAsync(new RegisterRecipientKeyCommand(key.PublicKey, null, challenge.ChallengeId, rightProof), Ct));

        Assert.Equal("proof", wrong.Field);
        Assert.Equal("challenge_id", replay.Field);
        Assert.Empty((await Tenant(a).GetPublicKeysAsync(Ct)).RecipientKeys);
    }

    [Fact]
    public async Task ALaterKey_DoesNotBecomeTheDefault_UntilSetExplicitly()
    {
        var (a, _) = await CreateTenantAsync();
        using var first = MlKem768KeyPair.Generate();
        using var second = MlKem768KeyPair.Generate();
        var one = await Tenant(a).RegisterWithProofAsync(first, "first", Ct);
        var two = await Tenant(a).RegisterWithProofAsync(second, "second", Ct);

        var before = await Tenant(a).GetSealingMaterialAsync(Ct);
        var set = await Tenant(a).SetDefaultRecipientKeyAsync(two.RecipientKeyId, Ct);
        var after = await Tenant(a).GetSealingMaterialAsync(Ct);

        Assert.True(one.IsDefault);
        Assert.False(two.IsDefault);
        Assert.Equal(one.RecipientKeyId, before.DefaultRecipientKeyId);
        Assert.True(set!.IsDefault);
        Assert.Equal(two.RecipientKeyId, after.DefaultRecipientKeyId);
    }

    [Fact]
    public async Task RevokingTheDefault_LeavesNoDefault_SoUnnamedSealsAreRefused()
    {
        var (a, _) = await CreateTenantAsync();
        using var first = MlKem768KeyPair.Generate();
        using var second = MlKem768KeyPair.Generate();
        var one = await Tenant(a).RegisterWithProofAsync(first, null, Ct);
        await Tenant(a).RegisterWithProofAsync(second, null, Ct);

        await Tenant(a).RevokeRecipientKeyAsync(one.RecipientKeyId, Ct);
        var material = await Tenant(a).GetSealingMaterialAsync(Ct);
        RequestContext.Clear();
        TenantCallContext.SetTenant(a);
        var hasDefault = await fixture.Client.GetGrain<IEnvelopeSealerGrain>(a).HasRecipientAsync(null, Ct);

        Assert.Null(material.DefaultRecipientKeyId);
        Assert.False(hasDefault);
    }

    [Fact]
    public async Task TheLastActiveAdminKey_CannotBeRevoked()
    {
        var (a, created) = await CreateTenantAsync();

        var ex = await Assert.ThrowsAsync<QuantaSealValidationException>(() => Tenant(a).RevokeApiKeyAsync(created.AdminKey.Info.ApiKeyId, Ct));
        var second = await Tenant(a).CreateApiKeyAsync(new CreateApiKeyCommand("admin-2", [ApiKeyScopes.Admin], "live"), Ct);
        var revoked = await Tenant(a).RevokeApiKeyAsync(created.AdminKey.Info.ApiKeyId, Ct);
        var last = await Assert.ThrowsAsync<QuantaSealValidationException>(() => Tenant(a).RevokeApiKeyAsync(second.Info.ApiKeyId, Ct));

        Assert.Equal("api_key_id", ex.Field);
        Assert.NotNull(revoked!.RevokedAt);
        Assert.Equal("api_key_id", last.Field);
        RequestContext.Clear();
        Assert.NotNull(await fixture.Client.GetGrain<IApiKeyGrain>(second.Info.ApiKeyId).AuthenticateAsync(ApiKeyFormat.Hash(second.Key), Ct));
    }

    [Fact]
    public async Task RevokedKeys_DoNotCountTowardTheLimit()
    {
        var (a, _) = await CreateTenantAsync();
        for (var i = 0; i < TenantGrain.MaxApiKeys - 1; i++)
        {
            var key = await Tenant(a).CreateApiKeyAsync(new CreateApiKeyCommand("k" + i, [ApiKeyScopes.Proxy], "live"), Ct);
            if (i < 3)
            {
                await Tenant(a).RevokeApiKeyAsync(key.Info.ApiKeyId, Ct);
            }
        }

        // 256 records (3 revoked): three more active keys fit, the fourth does not.
        for (var i = 0; i < 3; i++)
        {
            await Tenant(a).CreateApiKeyAsync(new CreateApiKeyCommand("more" + i, [ApiKeyScopes.Proxy], "live"), Ct);
        }

        var ex = await Assert.ThrowsAsync<QuantaSealValidationException>(() =>
            Tenant(a).CreateApiKeyAsync(new CreateApiKeyCommand("one-too-many", [ApiKeyScopes.Proxy], "live"), Ct));
        Assert.Equal("name", ex.Field);
    }

    [Fact]
    public async Task RecoverAdminKey_IsOperatorOnly()
    {
        // Failing closed without audit: OwnStateAuditOutageTests.RecoverAdminKey_IssuesNoKey_WhenItsIntentCannotBeRecorded.
        var (a, _) = await CreateTenantAsync();

        await Assert.ThrowsAsync<TenantAccessDeniedException>(() =>
            Tenant(a).RecoverAdminKeyAsync(new CreateApiKeyCommand("rescue", [ApiKeyScopes.Admin], "live"), Ct));
        Assert.Single(await Tenant(a).ListApiKeysAsync(Ct));

        RequestContext.Clear();
        TenantCallContext.SetOperator();
        var recovered = await fixture.Client.GetGrain<ITenantGrain>(a).RecoverAdminKeyAsync(new CreateApiKeyCommand("rescue", [ApiKeyScopes.Admin], "live"), Ct);

        Assert.Contains(await Tenant(a).ListApiKeysAsync(Ct), k => k.ApiKeyId == recovered.Info.ApiKeyId);
    }
}
