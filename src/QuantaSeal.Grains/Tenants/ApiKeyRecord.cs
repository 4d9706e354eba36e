using QuantaSeal.Grains.Security.Records;

namespace QuantaSeal.Grains.Tenants;

/// <summary>What authenticates an API key's own record: every field (tenant, key hash, scopes, revocation), under its key id.</summary>
internal static class ApiKeyRecord
{
    public static RecordIdentity Identity(string apiKeyId, ApiKeyGrainState state) =>
        new(RecordKinds.ApiKey, state.TenantId ?? string.Empty, apiKeyId, state.RecordVersion);

    public static Action<RecordMac> Fields(ApiKeyGrainState state) => mac => mac
        .Add(state.KeyHash)
        .Add(state.Scopes)
        .Add(state.RevokedAt);
}
