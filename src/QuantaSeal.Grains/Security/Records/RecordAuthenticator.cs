using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Tenants;

namespace QuantaSeal.Grains.Security.Records;

/// <summary>
/// Authenticates the stored records that grant access (DESIGN §10): API keys, tenants (recipient keys, API key list) and
/// integrations. Each carries an HMAC-SHA-256 (<see cref="RecordMac"/>) under a key derived from its tenant's KEK
/// (<see cref="IKeyWrapProvider.DeriveTenantKeyAsync"/>, label <see cref="KeyLabel"/>), so a database writer without the
/// master key (or KMS key) cannot write a record that verifies. The key is derived for each use and wiped; it is never
/// stored, cached or logged.
/// </summary>
internal sealed partial class RecordAuthenticator(IKeyWrapProvider keyWrap, ChangeAudit audit, ILogger<RecordAuthenticator> logger)
{
    /// <summary>The HKDF label of the record-authentication key (distinct from every key-wrap purpose).</summary>
    public const string KeyLabel = "QuantaSeal/v1/record-auth";

    /// <summary>Computes the authenticator of a record with <paramref name="identity"/> and <paramref name="fields"/>.</summary>
    public Task<byte[]> ComputeAsync(RecordIdentity identity, Action<RecordMac> fields, CancellationToken cancellationToken = default) =>
        ComputeAsync(keyWrap, identity, fields, cancellationToken);

    /// <summary>Computes an authenticator with <paramref name="keyWrap"/> (the operator's <c>seal-records</c> step has no silo).</summary>
    public static async Task<byte[]> ComputeAsync(IKeyWrapProvider keyWrap, RecordIdentity identity, Action<RecordMac> fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyWrap);
        ArgumentNullException.ThrowIfNull(fields);
        var key = await keyWrap.DeriveTenantKeyAsync(identity.TenantId, KeyLabel, cancellationToken);
        try
        {
            using var mac = new RecordMac(key, identity);
            fields(mac);
            return mac.Finish();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// Whether <paramref name="authenticator"/> is the authenticator of the record. A record without one (written before
    /// records were authenticated, or by someone who could not compute it) never verifies: the upgrade path is the
    /// operator's <c>seal-records</c> step (docs/hardening.md), never a silent acceptance.
    /// </summary>
    public async Task<RecordVerdict> VerifyAsync(RecordIdentity identity, byte[]? authenticator, Action<RecordMac> fields, CancellationToken cancellationToken = default)
    {
        if (authenticator is null || authenticator.Length == 0)
        {
            return RecordVerdict.Missing;
        }

        if (string.IsNullOrEmpty(identity.TenantId) || authenticator.Length != RecordMac.Length)
        {
            return RecordVerdict.Mismatch;
        }

        byte[] expected;
        try
        {
            expected = await ComputeAsync(identity, fields, cancellationToken);
        }
        catch (EncoderFallbackException)
        {
            // A stored string that is not valid UTF-16 was never written by QuantaSeal (inputs are validated).
            return RecordVerdict.Mismatch;
        }

        return CryptographicOperations.FixedTimeEquals(expected, authenticator) ? RecordVerdict.Valid : RecordVerdict.Mismatch;
    }

    /// <summary>
    /// Reports a refused record: an Error log line with its kind and id (nothing else of it), the
    /// <c>quantaseal.security.records_refused</c> counter, and a <c>record.refused</c> event (outcome denied) in the chain
    /// of the tenant the record names, when that is a well-formed tenant id. Reporting never throws: the record stays
    /// refused whether or not the event could be recorded.
    /// </summary>
    public async Task ReportRefusedAsync(string kind, string objectId, string? tenantId, RecordVerdict verdict)
    {
        var reason = ReasonOf(verdict);
        Log.RecordRefused(logger, kind, objectId, reason);
        RecordIntegrityMetrics.Refused.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("reason", reason));
        if (!Ids.IsValid(tenantId, Ids.Tenant))
        {
            return;
        }

        try
        {
            await audit.RecordAsync(new AuditSubject(tenantId!, AuditActions.RecordRefused, objectId), AuditOutcomes.Denied, actor: AuditActors.System);
        }
        catch (Exception ex)
        {
            Log.RefusalNotAudited(logger, kind, objectId, ex.GetType());
        }
    }

    /// <summary>The reason as logged and tagged.</summary>
    public static string ReasonOf(RecordVerdict verdict) => verdict switch
    {
        RecordVerdict.Missing => "missing",
        RecordVerdict.Mismatch => "mismatch",
        RecordVerdict.Superseded => "superseded",
        _ => "valid",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1401, Level = LogLevel.Error, Message = "Refused stored {Kind} record {ObjectId} (authenticator {Reason}): the record is not used. This cluster's keys did not write it as it is now (changed, copied, forged or rolled back): investigate who can write the database")]
        public static partial void RecordRefused(ILogger logger, string kind, string objectId, string reason);

        [LoggerMessage(EventId = 1402, Level = LogLevel.Error, Message = "The refusal of stored {Kind} record {ObjectId} could not be recorded in the audit chain ({ExceptionType})")]
        public static partial void RefusalNotAudited(ILogger logger, string kind, string objectId, Type exceptionType);
    }
}
