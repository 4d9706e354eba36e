using System.Text.Json;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Connectors.Credentials;

namespace QuantaSeal.Grains.Vault;

/// <summary>A field of a credential type.</summary>
/// <param name="Name">JSON name inside <c>values</c>.</param>
/// <param name="Type"><c>string</c> or <c>string[]</c>.</param>
/// <param name="Required">Whether it must be present.</param>
/// <param name="Secret">Whether it is secret (all values are sealed either way; this is for documentation).</param>
/// <param name="Description">What it is.</param>
public sealed record CredentialFieldSpec(string Name, string Type, bool Required, bool Secret, string Description);

/// <summary>A credential type (DESIGN §5) and the systems that accept it.</summary>
/// <param name="CredentialType">Type name.</param>
/// <param name="Description">What it is for.</param>
/// <param name="SystemTypes">Connectors that accept it.</param>
/// <param name="Fields">Its fields.</param>
public sealed record CredentialTypeSpec(string CredentialType, string Description, IReadOnlyList<string> SystemTypes, IReadOnlyList<CredentialFieldSpec> Fields);

/// <summary>
/// The credential types, strict validation of submitted values (unknown fields rejected, messages name the field and
/// never echo a value), the canonical JSON that is sealed, and the mapping to connector credentials.
/// </summary>
public static class CredentialTypes
{
    /// <summary>Longest accepted value (private keys in PEM fit comfortably).</summary>
    public const int MaxValueLength = 16 * 1024;

    /// <summary>All credential types.</summary>
    public static IReadOnlyList<CredentialTypeSpec> All { get; } =
    [
        new("oauth2_client", "OAuth 2.0 client credentials (Auth0 machine-to-machine application; Okta where client secrets are allowed).", ["auth0", "okta"],
        [
            new("client_id", "string", true, false, "Client id."),
            new("client_secret", "string", true, true, "Client secret."),
            new("domain", "string", false, false, "Tenant domain the credential belongs to (informational; the integration's domain is used for calls)."),
            new("audience", "string", false, false, "Auth0 API audience; default https://{domain}/api/v2/."),
            new("scopes", "string[]", false, false, "Scopes to request; default: the least set the allowed operations need."),
        ]),
        new("api_key", "Okta API token, sent as Authorization: SSWS <api_token>.", ["okta"],
        [
            new("api_token", "string", true, true, "The Okta API token."),
        ]),
        new("private_key_jwt", "OAuth 2.0 service app with a signed client assertion (Okta service apps; DPoP when the app requires it).", ["okta"],
        [
            new("client_id", "string", true, false, "Client id of the service app."),
            new("private_key", "string", true, true, "Private key as PEM (PKCS#8/PKCS#1/SEC1) or a private JWK (JSON text)."),
            new("key_id", "string", false, false, "The kid registered for the public key."),
            new("scopes", "string[]", false, false, "okta.* scopes to request; default: the least set the allowed operations need."),
        ]),
    ];

    /// <summary>Looks a type up.</summary>
    public static CredentialTypeSpec? Find(string? credentialType) =>
        All.FirstOrDefault(t => string.Equals(t.CredentialType, credentialType, StringComparison.Ordinal));

    /// <summary>
    /// Validates <paramref name="values"/> for <paramref name="credentialType"/> and returns the canonical UTF-8 JSON
    /// to seal (known fields only, in the spec's order).
    /// </summary>
    /// <exception cref="QuantaSealValidationException">A field is missing, unknown, of the wrong type or too long.</exception>
    public static byte[] Canonicalize(string? credentialType, JsonElement values)
    {
        var spec = Find(credentialType)
            ?? throw new QuantaSealValidationException("credential_type", $"'credential_type' must be one of: {string.Join(", ", All.Select(t => t.CredentialType))}.");
        if (values.ValueKind != JsonValueKind.Object)
        {
            throw new QuantaSealValidationException("values", "'values' must be a JSON object.");
        }

        foreach (var property in values.EnumerateObject())
        {
            if (!spec.Fields.Any(f => string.Equals(f.Name, property.Name, StringComparison.Ordinal)))
            {
                var name = property.Name.Length > 64 ? property.Name[..64] : property.Name;
                throw new QuantaSealValidationException("values." + name, $"'values.{name}' is not a field of {spec.CredentialType}.");
            }
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var field in spec.Fields)
            {
                var path = "values." + field.Name;
                if (!values.TryGetProperty(field.Name, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    if (field.Required)
                    {
                        throw new QuantaSealValidationException(path, $"'{path}' is required for {spec.CredentialType}.");
                    }

                    continue;
                }

                if (field.Type == "string")
                {
                    var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                    if (string.IsNullOrWhiteSpace(text) || text.Length > MaxValueLength)
                    {
                        throw new QuantaSealValidationException(path, $"'{path}' must be a non-empty string of at most {MaxValueLength} characters.");
                    }

                    writer.WriteString(field.Name, text);
                }
                else
                {
                    if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > 64
                        || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString()) || e.GetString()!.Length > 256))
                    {
                        throw new QuantaSealValidationException(path, $"'{path}' must be an array of at most 64 non-empty strings.");
                    }

                    writer.WriteStartArray(field.Name);
                    foreach (var e in value.EnumerateArray())
                    {
                        writer.WriteStringValue(e.GetString());
                    }

                    writer.WriteEndArray();
                }
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Maps unsealed canonical JSON to the connector credential.</summary>
    public static UpstreamCredential ToUpstream(string credentialType, ReadOnlySpan<byte> canonicalJson)
    {
        var reader = new Utf8JsonReader(canonicalJson);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        string? S(string name) => root.TryGetProperty(name, out var v) ? v.GetString() : null;
        IReadOnlyList<string>? A(string name) => root.TryGetProperty(name, out var v) ? [.. v.EnumerateArray().Select(e => e.GetString()!)] : null;
        return credentialType switch
        {
            "oauth2_client" => new OAuth2ClientSecretCredential(S("client_id")!, S("client_secret")!, S("audience"), A("scopes")),
            "api_key" => new ApiTokenCredential(S("api_token")!),
            "private_key_jwt" => new PrivateKeyJwtCredential(S("client_id")!, S("private_key")!, S("key_id"), A("scopes")),
            _ => throw new InvalidOperationException("Unknown credential type."),
        };
    }
}
