namespace QuantaSeal.Grains.Tenants;

/// <summary>Public id prefixes and generators; ids are ULIDs so they sort by creation time.</summary>
public static class Ids
{
    /// <summary>Tenant id prefix.</summary>
    public const string Tenant = "ten_";

    /// <summary>Signing key id prefix.</summary>
    public const string SigningKey = "sk_";

    /// <summary>Recipient key id prefix.</summary>
    public const string RecipientKey = "rk_";

    /// <summary>Recipient key registration challenge id prefix.</summary>
    public const string RecipientKeyChallenge = "rkc_";

    /// <summary>Credential id prefix.</summary>
    public const string Credential = "cred_";

    /// <summary>Integration id prefix.</summary>
    public const string Integration = "int_";

    /// <summary>A new id with <paramref name="prefix"/>.</summary>
    public static string New(string prefix) => prefix + Ulid.NewUlid().ToString();

    /// <summary>Whether <paramref name="value"/> is <paramref name="prefix"/> followed by a valid ULID.</summary>
    public static bool IsValid(string? value, string prefix) =>
        value is not null
        && value.Length == prefix.Length + 26
        && value.StartsWith(prefix, StringComparison.Ordinal)
        && Ulid.TryParse(value.AsSpan(prefix.Length), out _);
}
