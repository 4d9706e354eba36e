using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Grains.Tenants;

/// <summary>Field rules shared by the grains and the front door. Messages name the field, never echo the value.</summary>
public static class TenantValidation
{
    /// <summary>Maximum length of names and labels.</summary>
    public const int MaxNameLength = 200;

    /// <summary>A required display name: 1-200 characters, no control characters, trimmed.</summary>
    public static string RequireName(string? value, string field)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new QuantaSealValidationException(field, $"'{field}' is required.");
        }

        return CheckText(trimmed, field);
    }

    /// <summary>An optional label with the same rules as a name.</summary>
    public static string? OptionalLabel(string? value, string field)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : CheckText(trimmed, field);
    }

    /// <summary><c>live</c> or <c>test</c>.</summary>
    public static string RequireEnvironment(string? value, string field) => value switch
    {
        "live" or "test" => value,
        _ => throw new QuantaSealValidationException(field, $"'{field}' must be 'live' or 'test'."),
    };

    /// <summary>A non-empty set of known scopes, without duplicates, in canonical order.</summary>
    public static IReadOnlyList<string> RequireScopes(IReadOnlyList<string>? scopes, string field)
    {
        if (scopes is null || scopes.Count == 0)
        {
            throw new QuantaSealValidationException(field, $"'{field}' must name at least one of: {string.Join(", ", ApiKeyScopes.All)}.");
        }

        foreach (var scope in scopes)
        {
            if (!ApiKeyScopes.All.Contains(scope, StringComparer.Ordinal))
            {
                throw new QuantaSealValidationException(field, $"'{field}' contains an unknown scope; allowed: {string.Join(", ", ApiKeyScopes.All)}.");
            }
        }

        return [.. ApiKeyScopes.All.Where(s => scopes.Contains(s, StringComparer.Ordinal))];
    }

    /// <summary>An ML-KEM-768 encapsulation key (FIPS 203 encoding, 1184 bytes) that encapsulates successfully.</summary>
    public static byte[] RequireMlKemPublicKey(byte[]? publicKey, string field)
    {
        if (publicKey is null || publicKey.Length != PqcSizes.MlKem768PublicKey)
        {
            throw new QuantaSealValidationException(field, $"'{field}' must be an ML-KEM-768 public key: {PqcSizes.MlKem768PublicKey} bytes, standard base64.");
        }

        try
        {
            // FIPS 203 §7.2 input checking happens on encapsulation; a key that cannot be encapsulated to is useless.
            _ = MlKem768KeyPair.Encapsulate(publicKey);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new QuantaSealValidationException(field, $"'{field}' is not a valid ML-KEM-768 public key.");
        }

        if (MlKem768PublicKeyCheck.IsDegenerate(publicKey))
        {
            // Well-formed but readable by anyone (t̂ zero, or t small): an envelope sealed to it protects nothing.
            throw new QuantaSealValidationException(field, $"'{field}' is a degenerate ML-KEM-768 public key (its t̂ is zero or of very low weight); generate the key pair with a conforming ML-KEM-768 implementation.");
        }

        return publicKey.ToArray();
    }

    private static string CheckText(string value, string field)
    {
        if (value.Length > MaxNameLength)
        {
            throw new QuantaSealValidationException(field, $"'{field}' must be at most {MaxNameLength} characters.");
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw new QuantaSealValidationException(field, $"'{field}' must not contain control characters.");
            }
        }

        return value;
    }
}
