using System.Text.Json;
using QuantaSeal.Crypto.Envelope;

namespace QuantaSeal.Client;

/// <summary>The envelope echo (<c>POST /api/v2/tenant/envelopes/echo</c>, scope <c>proxy</c> or <c>admin</c>).</summary>
public sealed partial class QuantaSealClient
{
    /// <summary>
    /// Seals <paramref name="payload"/> back to a registered recipient key: open the answer to check the pinned signing
    /// key, the HMAC key and the recipient key end to end before real proxy calls. When <see cref="Encryption"/> is set
    /// the answer is verified before it is returned: both signatures, the request hash
    /// (<see cref="EnvelopeRequestHash.ForEcho"/> of the payload text sent here) and <c>issued_at</c> within the window.
    /// </summary>
    /// <param name="payload">Any JSON-serialisable value (at most 16 KiB serialised).</param>
    /// <param name="recipientKeyId">The recipient key to seal to; null for the tenant's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="EnvelopeVerificationException">The answer's envelope was rejected (tampered, another request's, or stale).</exception>
    public async Task<HybridEnvelope> EchoAsync(object payload, string? recipientKeyId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);

        // Written once as text and sent byte for byte, so the request hash is the one the server computes.
        var payloadJson = JsonSerializer.Serialize(payload, VendorJsonOptions);
        var body = new System.Buffers.ArrayBufferWriter<byte>(payloadJson.Length + 64);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("payload");
            writer.WriteRawValue(payloadJson);
            if (recipientKeyId is not null)
            {
                writer.WriteString("recipient_key_id", recipientKeyId);
            }

            writer.WriteEndObject();
        }

        using var content = new ByteArrayContent(body.WrittenSpan.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var json = await SendAsync<JsonElement>(HttpMethod.Post, "api/v2/tenant/envelopes/echo", content, null, cancellationToken).ConfigureAwait(false);
        var envelope = HybridEnvelope.FromJson(json.GetRawText());
        if (_encryption is { } opener)
        {
            // Fail closed, as for the proxy: an answer to another request, or a stale one, throws here.
            opener.Verify(envelope, opener.Expectations(EnvelopeRequestHash.ForEcho(payloadJson)));
        }

        return envelope;
    }
}
