namespace QuantaSeal.Client;

/// <summary>The envelope opener in the documents' shape: <c>client.Encryption.Decrypt(envelope)</c>.</summary>
public sealed partial class QuantaSealClient
{
    private global::QuantaSeal.Client.Encryption.Encryption? _encryption;

    /// <summary>
    /// The opener of this tenant's envelopes (pinned signing keys, HMAC key, recipient key), so that
    /// <c>client.Encryption.Decrypt(response.Envelope)</c> verifies both signatures and decrypts. Set it once, at
    /// construction (<c>new QuantaSealClient(http, key) { Encryption = opener }</c>); the client does not dispose it.
    /// </summary>
    /// <exception cref="InvalidOperationException">Read before it was set.</exception>
    public global::QuantaSeal.Client.Encryption.Encryption Encryption
    {
        get => _encryption ?? throw new InvalidOperationException(
            "No envelope opener is configured: set QuantaSealClient.Encryption to an Encryption built from the tenant's pinned signing keys, HMAC key and recipient key.");
        init => _encryption = value ?? throw new ArgumentNullException(nameof(value));
    }
}
