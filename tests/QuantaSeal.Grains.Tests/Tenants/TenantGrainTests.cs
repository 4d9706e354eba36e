using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Grains.Security;
using QuantaSeal.Grains.Tenants;

namespace QuantaSeal.Grains.Tests.Tenants;

[Collection(ClusterCollection.Name)]
public sealed class TenantGrainTests(ClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string TenantId, TenantCreated Created)> CreateTenantAsync(string name = "acme")
    {
        var tenantId = Ids.New(Ids.Tenant);
        RequestContext.Clear();
        TenantCallContext.SetOperator();
        var created = await fixture.Client.GetGrain<ITenantGrain>(tenantId).CreateAsync(new CreateTenantCommand(name, "live"), Ct);
        RequestContext.Clear();
        return (tenantId, created);
    }

    private ITenantGrain As(string callerTenant, string targetTenant)
    {
        RequestContext.Clear();
        TenantCallContext.SetTenant(callerTenant);
        return fixture.Client.GetGrain<ITenantGrain>(targetTenant);
    }

    [Fact]
    public async Task Create_ReturnsKeysOfTheStandardSizes_AndAnAdminKey()
    {
        var (tenantId, created) = await CreateTenantAsync();

        Assert.Equal(tenantId, created.Tenant.TenantId);
        Assert.Equal(PqcSizes.HmacKey, created.HmacKey.Length);
        Assert.Equal(PqcSizes.MlDsa65PublicKey, created.SigningKey.PublicKey.Length);
        Assert.StartsWith("sk_", created.SigningKey.KeyId, StringComparison.Ordinal);
        Assert.StartsWith(ApiKeyFormat.LivePrefix, created.AdminKey.Key, StringComparison.Ordinal);
        Assert.Equal([ApiKeyScopes.Admin], created.AdminKey.Info.Scopes);
    }

    [Fact]
    public async Task Create_WithoutOperatorContext_IsRefused()
    {
        var tenantId = Ids.New(Ids.Tenant);
        RequestContext.Clear();
        TenantCallContext.SetTenant(tenantId);

        await Assert.ThrowsAsync<TenantAccessDeniedException>(() =>
            fixture.Client.GetGrain<ITenantGrain>(tenantId).CreateAsync(new CreateTenantCommand("x", "live"), Ct));
    }

    [Fact]
    public async Task EveryTenantMethod_RefusesAnotherTenantsCaller()
    {
        var (a, _) = await CreateTenantAsync("a");
        var (b, _) = await CreateTenantAsync("b");
        var asB = As(b, a);
        using var recipient = MlKem768KeyPair.Generate();

        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => asB.GetInfoAsync(Ct));
        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => asB.GetPublicKeysAsync(Ct));
        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => asB.ListApiKeysAsync(Ct));
        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => asB.GetSealingMaterialAsync(Ct));
        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => asB.RegisterWithProofAsync(recipient, null, Ct));
        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => asB.RotateSigningKeyAsync(new RotateSigningKeyCommand(false), Ct));
        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => asB.CreateApiKeyAsync(new CreateApiKeyCommand("k", [ApiKeyScopes.Proxy], "live"), Ct));

        // Nothing changed for the owner.
        var owner = await As(a, a).GetPublicKeysAsync(Ct);
        Assert.Empty(owner.RecipientKeys);
        Assert.Single(owner.SigningKeys);
        Assert.Single(await As(a, a).ListApiKeysAsync(Ct));
    }

    [Fact]
    public async Task CallWithoutTenantContext_IsRefused()
    {
        var (a, _) = await CreateTenantAsync();
        RequestContext.Clear();

        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => fixture.Client.GetGrain<ITenantGrain>(a).GetInfoAsync(Ct));
    }

    [Fact]
    public async Task RotateSigningKey_KeepsOldKeyListedAsRetired_AndBumpsVersion()
    {
        var (a, created) = await CreateTenantAsync();
        var grain = As(a, a);

        var rotated = await grain.RotateSigningKeyAsync(new RotateSigningKeyCommand(RotateHmacKey: false), Ct);
        var keys = await grain.GetPublicKeysAsync(Ct);
        var info = await grain.GetInfoAsync(Ct);

        Assert.Equal(created.SigningKey.KeyId, rotated.RetiredKey.KeyId);
        Assert.Equal("retired", rotated.RetiredKey.Status);
        Assert.Null(rotated.NewHmacKey);
        Assert.Equal(rotated.NewKey.KeyId, keys.CurrentSigningKeyId);
        Assert.Equal(2, keys.SigningKeys.Count);
        Assert.Equal(created.SigningKey.PublicKey, keys.SigningKeys.Single(k => k.KeyId == created.SigningKey.KeyId).PublicKey);
        Assert.Equal(2, info!.KeyVersion);
    }

    [Fact]
    public async Task RotateWithHmac_ReturnsANewHmacKeyOnce()
    {
        var (a, created) = await CreateTenantAsync();

        var rotated = await As(a, a).RotateSigningKeyAsync(new RotateSigningKeyCommand(RotateHmacKey: true), Ct);

        Assert.NotNull(rotated.NewHmacKey);
        Assert.Equal(PqcSizes.HmacKey, rotated.NewHmacKey!.Length);
        Assert.NotEqual(created.HmacKey, rotated.NewHmacKey);
    }

    [Fact]
    public async Task SealingMaterial_IsWrapped_AndUnwrapsToTheKeysTheTenantPublished()
    {
        var (a, created) = await CreateTenantAsync();
        var wrap = new LocalKeyWrapProvider(ClusterFixture.MasterKey);

        var material = await As(a, a).GetSealingMaterialAsync(Ct);
        var seed = await wrap.UnwrapAsync(a, "signing-seed:" + material.SigningKeyId, new WrappedKey(material.WrappedSigningSeed.Provider, material.WrappedSigningSeed.KeyRef, material.WrappedSigningSeed.Ciphertext), Ct);
        using var signing = MlDsa65KeyPair.FromSeed(seed);
        var hmac = await wrap.UnwrapAsync(a, "hmac-key:1", new WrappedKey(material.WrappedHmacKey.Provider, material.WrappedHmacKey.KeyRef, material.WrappedHmacKey.Ciphertext), Ct);

        Assert.Equal(created.SigningKey.PublicKey, signing.PublicKey);
        Assert.Equal(created.HmacKey, hmac);
        Assert.True(material.WrappedHmacKey.Ciphertext.AsSpan().IndexOf(created.HmacKey) < 0, "the wrapped HMAC key must not contain the key in clear");
        Assert.True(material.WrappedSigningSeed.Ciphertext.AsSpan().IndexOf(signing.Seed) < 0, "the wrapped signing seed must not contain the seed in clear");
    }

    [Fact]
    public async Task RegisterRecipientKey_ValidatesLength_AndIsIdempotent()
    {
        var (a, _) = await CreateTenantAsync();
        var grain = As(a, a);
        using var recipient = MlKem768KeyPair.Generate();

        var ex = await Assert.ThrowsAsync<QuantaSealValidationException>(() => grain.RegisterRecipientKeyAsync(new RegisterRecipientKeyCommand(new byte[100], null), Ct));
        var first = await grain.RegisterWithProofAsync(recipient, "laptop", Ct);
        var second = await grain.RegisterWithProofAsync(recipient, "again", Ct);

        Assert.Equal("public_key", ex.Field);
        Assert.Equal(first.RecipientKeyId, second.RecipientKeyId);
        Assert.Single((await grain.GetPublicKeysAsync(Ct)).RecipientKeys);
    }

    [Fact]
    public async Task ApiKey_AuthenticatesUntilRevoked()
    {
        var (a, _) = await CreateTenantAsync();
        var created = await As(a, a).CreateApiKeyAsync(new CreateApiKeyCommand("svc", [ApiKeyScopes.Proxy], "test"), Ct);
        Assert.True(ApiKeyFormat.TryGetKeyId(created.Key, out var keyId));
        Assert.StartsWith(ApiKeyFormat.TestPrefix, created.Key, StringComparison.Ordinal);
        RequestContext.Clear();
        var keyGrain = fixture.Client.GetGrain<IApiKeyGrain>(keyId);

        var before = await keyGrain.AuthenticateAsync(ApiKeyFormat.Hash(created.Key), Ct);
        var wrongSecret = await keyGrain.AuthenticateAsync(ApiKeyFormat.Hash(created.Key[..^1] + (created.Key[^1] == 'A' ? 'B' : 'A')), Ct);
        await As(a, a).RevokeApiKeyAsync(keyId, Ct);
        RequestContext.Clear();
        var after = await keyGrain.AuthenticateAsync(ApiKeyFormat.Hash(created.Key), Ct);

        Assert.NotNull(before);
        Assert.Equal(a, before!.TenantId);
        Assert.Equal([ApiKeyScopes.Proxy], before.Scopes);
        Assert.Null(wrongSecret);
        Assert.Null(after);
    }

    [Fact]
    public async Task ApiKeyGrain_RefusesRevocationByAnotherTenant()
    {
        var (a, created) = await CreateTenantAsync("a");
        var (b, _) = await CreateTenantAsync("b");
        Assert.True(ApiKeyFormat.TryGetKeyId(created.AdminKey.Key, out var keyId));

        RequestContext.Clear();
        TenantCallContext.SetTenant(b);
        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => fixture.Client.GetGrain<IApiKeyGrain>(keyId).RevokeAsync(Ct));
        await Assert.ThrowsAsync<TenantAccessDeniedException>(() => As(b, b).RevokeApiKeyAsync(keyId, Ct));

        RequestContext.Clear();
        Assert.NotNull(await fixture.Client.GetGrain<IApiKeyGrain>(keyId).AuthenticateAsync(ApiKeyFormat.Hash(created.AdminKey.Key), Ct));
    }

    [Fact]
    public async Task CreateApiKey_RejectsUnknownScope_AndChangesNothing()
    {
        var (a, _) = await CreateTenantAsync();

        var ex = await Assert.ThrowsAsync<QuantaSealValidationException>(() =>
            As(a, a).CreateApiKeyAsync(new CreateApiKeyCommand("svc", ["root"], "live"), Ct));

        Assert.Equal("scopes", ex.Field);
        Assert.Single(await As(a, a).ListApiKeysAsync(Ct));
    }
}
