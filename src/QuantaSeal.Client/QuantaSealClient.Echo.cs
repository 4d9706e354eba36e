using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Client;

/// <summary>The envelope echo (<c>POST /api/v2/tenant/envelopes/echo</c>, scope <c>proxy</c> or <c>admin</c>).</summary>
public sealed partial class QuantaSealClient
{
    /// <summary>
    /// Seals <paramref name="payload"/> back to a registered recipient key: open the answer to check the pinned signing
    /// key, the HMAC key and the recipient key end to end before real proxy calls.
    /// </summary>
    /// <param name="payload">Any JSON-serialisable value (at most 16 KiB serialised).</param>
    /// <param name="recipientKeyId">The recipient key to seal to; null for the tenant's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<HybridEnvelope> EchoAsync(object payload, string? recipientKeyId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var json = await SendAsync<System.Text.Json.JsonElement>(HttpMethod.Post, "api/v2/tenant/envelopes/echo",
            new { payload = System.Text.Json.JsonSerializer.SerializeToElement(payload, VendorJsonOptions), recipient_key_id = recipientKeyId }, null, cancellationToken).ConfigureAwait(false);
        return HybridEnvelope.FromJson(json.GetRawText());
    }
}
