namespace QuantaSeal.Grains.Security.Records;

/// <summary>The kinds of stored record that carry an authenticator (DESIGN §10), as bound into it and named in logs.</summary>
internal static class RecordKinds
{
    /// <summary>An API key's own record (tenant, key hash, scopes, revocation), keyed by the key id.</summary>
    public const string ApiKey = "api_key";

    /// <summary>A tenant's record (vault, signing and recipient public keys, default recipient key, API key list), keyed by the tenant id.</summary>
    public const string Tenant = "tenant";

    /// <summary>An integration's configuration and policy, keyed by the integration id.</summary>
    public const string Integration = "integration";
}
