using System.Text.Json;
using QuantaSeal.Client.Tenants;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Client.Audit;

/// <summary>The answer of <c>GET /api/v2/audit/events/{id}</c>: the event and its inclusion proof.</summary>
/// <param name="Event">The event.</param>
/// <param name="Proof">Its inclusion proof.</param>
public sealed record AuditEventWithProof(AuditRecord Event, AuditInclusionProofDetails Proof)
{
    /// <summary>
    /// Checks, with only the tenant's public keys, that <see cref="Event"/> is in the chain that the signed checkpoint
    /// certifies (<see cref="AuditInclusionProof.Verify"/>). Trust the event's content only when this is valid.
    /// </summary>
    /// <param name="signingKeys">The tenant's signing public keys by key id (<see cref="TenantKeys.SigningPublicKeysById"/>),
    /// obtained over a channel you trust; retired keys included.</param>
    public AuditInclusionProofResult VerifyProof(IReadOnlyDictionary<string, byte[]> signingKeys)
    {
        ArgumentNullException.ThrowIfNull(signingKeys);

        // A document with a missing member deserialises to nulls; each is a failed proof, never an exception.
        if (Event is null || Proof is null || Proof.PreviousHash is null || Proof.Following is null || Proof.Following.Any(e => e is null))
        {
            return AuditInclusionProofResult.Failure("the answer has no event or an incomplete proof.");
        }

        if (Proof.Checkpoint is null)
        {
            return AuditInclusionProofResult.Failure("no signed checkpoint covers this event yet; try again after the next checkpoint.");
        }

        return AuditInclusionProof.Verify(
            Event,
            Proof.PreviousHash,
            Proof.Following,
            Proof.Checkpoint,
            signingKeys);
    }

    /// <summary>Parses the JSON answer of <c>GET /api/v2/audit/events/{id}</c> (e.g. saved to a file).</summary>
    /// <exception cref="JsonException">The text is not such an answer.</exception>
    public static AuditEventWithProof Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var parsed = JsonSerializer.Deserialize<AuditEventWithProof>(json, QuantaSealClient.JsonOptions);
        return parsed is { Event: not null, Proof: not null }
            ? parsed
            : throw new JsonException("The document is not an audit event with its proof (members 'event' and 'proof').");
    }
}
