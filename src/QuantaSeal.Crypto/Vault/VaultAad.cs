using System.Buffers.Binary;
using QuantaSeal.Crypto.Encoding;

namespace QuantaSeal.Crypto.Vault;

/// <summary>
/// What a sealed credential is bound to (DESIGN §5): a ciphertext moved to another tenant, credential, type
/// or version fails to unseal.
/// </summary>
/// <param name="TenantId">The owning tenant.</param>
/// <param name="CredentialId">The credential (<c>cred_...</c>).</param>
/// <param name="CredentialType">The credential type (<c>oauth2_client</c>, <c>api_key</c>, ...).</param>
/// <param name="Version">The credential version (non-negative; bumped on rotation).</param>
public sealed record VaultAad(string TenantId, string CredentialId, string CredentialType, int Version)
{
    private static ReadOnlySpan<byte> Tag => "QSVAULT1"u8;

    /// <summary>
    /// The AAD bytes: <c>"QSVAULT1"</c> || len32be(UTF8(tenant_id)) || UTF8(tenant_id)
    /// || len32be(UTF8(credential_id)) || UTF8(credential_id) || len32be(UTF8(credential_type))
    /// || UTF8(credential_type) || int32be(version). The version is a bare fixed-size 4-byte field.
    /// </summary>
    /// <exception cref="ArgumentException">A field is empty, not well-formed UTF-16, or the version is negative.</exception>
    public byte[] ToBytes()
    {
        var tenantId = Field(TenantId, nameof(TenantId));
        var credentialId = Field(CredentialId, nameof(CredentialId));
        var credentialType = Field(CredentialType, nameof(CredentialType));
        if (Version < 0)
        {
            throw new ArgumentException("The credential version must not be negative.", nameof(Version));
        }

        var length = checked(
            Tag.Length
            + LengthPrefixed.FieldSize(tenantId.Length)
            + LengthPrefixed.FieldSize(credentialId.Length)
            + LengthPrefixed.FieldSize(credentialType.Length)
            + sizeof(int));
        var bytes = new byte[length];
        var offset = 0;
        LengthPrefixed.WriteRaw(bytes, ref offset, Tag);
        LengthPrefixed.WriteField(bytes, ref offset, tenantId);
        LengthPrefixed.WriteField(bytes, ref offset, credentialId);
        LengthPrefixed.WriteField(bytes, ref offset, credentialType);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(offset), Version);
        return bytes;
    }

    private static byte[] Field(string value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"'{name}' must not be empty.", name);
        }

        return StrictUtf8.GetBytes(value, name);
    }
}
