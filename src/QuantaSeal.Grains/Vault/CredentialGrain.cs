using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Envelopes;
using QuantaSeal.Abstractions.Integrations;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Crypto.Envelope;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Hosting;
using QuantaSeal.Grains.Security;

namespace QuantaSeal.Grains.Vault;

/// <inheritdoc cref="ICredentialGrain"/>
/// <remarks>
/// Records its own audit events (<see cref="ChangeAudit"/>): seal, rotate and delete between an intent and an outcome
/// event, a refusal as one denied event, the unseal as one event before the values are opened.
/// </remarks>
[GrainType("qs.credential")]
internal sealed partial class CredentialGrain(
    [PersistentState("credential", StorageNames.QuantaSeal)] IPersistentState<CredentialState> state,
    IKeyWrapProvider keyWrap,
    TimeProvider timeProvider,
    ChangeAudit audit,
    ILogger<CredentialGrain> logger) : Grain, ICredentialGrain, ITenantOwned
{
    private CredentialState S => state.State;

    private string CredentialId => this.GetPrimaryKeyString();

    public async Task<CredentialInfo> CreateAsync(CreateCredentialCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (S.TenantId is not null)
        {
            throw new InvalidOperationException("Credential id already used.");
        }

        var tenantId = TenantCallContext.CurrentTenant!;
        var subject = new AuditSubject(tenantId, AuditActions.VaultSeal, CredentialId);
        if (command.Sealed.Version != 1 || !string.Equals(command.Sealed.CredentialType, command.CredentialType, StringComparison.Ordinal))
        {
            throw await audit.DeniedAsync(subject, new QuantaSealValidationException("values", "The sealed credential does not match its type or version."));
        }

        return await audit.ChangeAsync(subject, () => CreateCoreAsync(tenantId, command), cancellationToken);
    }

    private async Task<CredentialInfo> CreateCoreAsync(string tenantId, CreateCredentialCommand command)
    {
        // After the intent the change runs to its end whatever the caller does (ChangeAudit).
        var cancellationToken = CancellationToken.None;

        // DESIGN §9, a rejected request changes nothing: the directory enforces the per-tenant object limit, so it goes
        // before the state write (as the integration create does). An id in the directory whose credential does not
        // exist lists as nothing; a failed write undoes the entry anyway, so the slot is not lost.
        var directory = GrainFactory.GetGrain<ITenantDirectoryGrain>(tenantId);
        await directory.AddAsync(CredentialId, cancellationToken);
        var now = timeProvider.GetUtcNow();
        S.TenantId = tenantId;
        S.CredentialType = command.CredentialType;
        S.Name = command.Name;
        S.Sealed = command.Sealed;
        S.CreatedAt = now;
        S.UpdatedAt = now;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            state.State = new CredentialState();
            await UndoDirectoryEntryAsync(tenantId, directory, ex);
            throw;
        }

        Log.Sealed(logger, tenantId, CredentialId, S.CredentialType, S.Sealed.Fingerprint);
        return ToInfo();
    }

    public Task<CredentialInfo?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Exists ? ToInfo() : null);

    public async Task<CredentialInfo> RotateAsync(RotateCredentialCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var subject = Subject(AuditActions.VaultRotate);
        await RequireExistsAsync(subject);
        if (command.Sealed.Version != S.Sealed!.Version + 1 || !string.Equals(command.Sealed.CredentialType, S.CredentialType, StringComparison.Ordinal))
        {
            throw await audit.DeniedAsync(subject, new QuantaSealValidationException("values", "The credential changed concurrently; retry the rotation."));
        }

        var info = await audit.ChangeAsync(
            subject,
            async () =>
            {
                var previous = (S.Sealed, S.UpdatedAt);
                S.Sealed = command.Sealed;
                S.UpdatedAt = timeProvider.GetUtcNow();
                try
                {
                    await state.WriteStateAsync(CancellationToken.None);
                }
                catch
                {
                    // Keep memory equal to storage: a rotation that was not stored did not happen.
                    (S.Sealed, S.UpdatedAt) = previous;
                    throw;
                }

                Log.Rotated(logger, S.TenantId!, CredentialId, S.Sealed.Version, S.Sealed.Fingerprint);
                return ToInfo();
            },
            cancellationToken);

        // After the outcome: the rotation is stored and recorded whether or not every integration hears of it now.
        // Integrations drop their cached credential and token now rather than at the next expiry.
        await Task.WhenAll(S.UsedBy.Select(i => GrainFactory.GetGrain<IIntegrationGrain>(i).CredentialRotatedAsync(S.Sealed!.Version, cancellationToken)));
        return info;
    }

    public async Task<CredentialInfo> DeleteAsync(CancellationToken cancellationToken = default)
    {
        var subject = Subject(AuditActions.VaultDelete);
        if (!Exists)
        {
            if (S.Deleted)
            {
                // Deleted before, but the directory cleanup may have failed then: a repeated delete retries it.
                await RemoveFromDirectoryBestEffortAsync(S.TenantId!);
            }

            throw await audit.DeniedAsync(subject, new TenantAccessDeniedException());
        }

        var stale = await FindStaleUsersAsync(cancellationToken);
        if (stale.Count < S.UsedBy.Count)
        {
            // Names the integrations (ids only, nothing secret): the API's 409 detail tells the admin what to change.
            var users = string.Join(", ", S.UsedBy.Except(stale, StringComparer.Ordinal).Order(StringComparer.Ordinal));
            throw await audit.DeniedAsync(subject, new CredentialInUseException($"The credential is used by {users}; delete them or point them at another credential first."));
        }

        return await audit.ChangeAsync(subject, () => DeleteCoreAsync(stale), cancellationToken);
    }

    private async Task<CredentialInfo> DeleteCoreAsync(List<string> stale)
    {
        var info = ToInfo() with { UsedBy = [] };
        var tenantId = S.TenantId!;
        var previous = (S.Deleted, S.Sealed, S.UsedBy);
        S.Deleted = true;
        S.Sealed = null;
        S.UsedBy = [];
        try
        {
            await state.WriteStateAsync(CancellationToken.None);
        }
        catch
        {
            (S.Deleted, S.Sealed, S.UsedBy) = previous;
            throw;
        }

        if (stale.Count > 0)
        {
            Log.StaleUsersDropped(logger, tenantId, CredentialId, stale.Count);
        }

        Log.Deleted(logger, tenantId, CredentialId);
        await RemoveFromDirectoryBestEffortAsync(tenantId);
        return info;
    }

    public Task<SealedCredential> GetSealedAsync(CancellationToken cancellationToken = default)
    {
        RequireExists();
        return Task.FromResult(S.Sealed!);
    }

    public async Task<CredentialInfo> AttachAsync(string integrationId, string systemType, CancellationToken cancellationToken = default)
    {
        RequireExists();
        var spec = CredentialTypes.Find(S.CredentialType)!;
        if (!spec.SystemTypes.Contains(systemType, StringComparer.Ordinal))
        {
            throw new QuantaSealValidationException("credential_id", $"A {S.CredentialType} credential cannot be used by a {systemType} integration (accepted by: {string.Join(", ", spec.SystemTypes)}).");
        }

        if (!S.UsedBy.Contains(integrationId, StringComparer.Ordinal))
        {
            S.UsedBy.Add(integrationId);
            try
            {
                await state.WriteStateAsync(cancellationToken);
            }
            catch
            {
                // Keep memory equal to storage: an attach that was not stored did not happen (else a later delete would
                // be refused as "in use" by an integration that never took the credential).
                S.UsedBy.Remove(integrationId);
                throw;
            }
        }

        return ToInfo();
    }

    public async Task DetachAsync(string integrationId, CancellationToken cancellationToken = default)
    {
        var index = S.UsedBy.IndexOf(integrationId);
        if (index >= 0)
        {
            S.UsedBy.RemoveAt(index);
            try
            {
                await state.WriteStateAsync(cancellationToken);
            }
            catch
            {
                // Likewise: a detach that was not stored did not happen.
                S.UsedBy.Insert(index, integrationId);
                throw;
            }
        }
    }

    public async Task<SealedEnvelope> UnsealAsync(string? recipientKeyId, CancellationToken cancellationToken = default)
    {
        // Bound to its request: the event records, and the envelope signs, the hash of the credential id (a client that
        // asked for one credential cannot be handed another's values).
        var subject = Subject(AuditActions.VaultUnseal) with { RequestSha256 = EnvelopeRequestHash.ForUnseal(CredentialId) };
        await RequireExistsAsync(subject);
        var sealer = GrainFactory.GetGrain<IEnvelopeSealerGrain>(S.TenantId!);

        // Refused (one denied event) when there is nothing to seal to; otherwise the one event of this read is recorded
        // before the values are unsealed, and the envelope is bound to it. If it cannot be recorded nothing is unsealed.
        // The material is read once; the seal names its version.
        var material = await GrainFactory.GetGrain<ITenantGrain>(S.TenantId!).GetSealingMaterialAsync(cancellationToken);
        if (material.FindRecipient(recipientKeyId) is not { } recipient)
        {
            throw await audit.DeniedAsync(subject, new NoRecipientKeyException());
        }

        var auditEventId = await audit.RecordAsync(subject, AuditOutcomes.Success);
        var plaintext = await CredentialSealing.UnsealAsync(GrainFactory, keyWrap, S.TenantId!, CredentialId, S.Sealed!, cancellationToken);
        try
        {
            // The sealer is a stateless worker, so this call stays in this silo: the values never cross the network.
            return await sealer.SealAsync(
                new EnvelopeRequest(recipient.RecipientKeyId, auditEventId, true, plaintext, MaterialVersion: material.KeyVersion, RequestSha256: subject.RequestSha256),
                CancellationToken.None);
        }
        catch (NoRecipientKeyException ex)
        {
            // The key was revoked between the check and the seal: the call already has its event.
            throw ChangeAudit.Stamp(ex, auditEventId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// Compensation after a failed create: the directory forgets the id again. The original failure is what the caller
    /// gets; a failed undo is only logged (exception types, no message), and the stale id lists as nothing.
    /// Not the request's token: a cancelled request must still be undone.
    /// </summary>
    private async Task UndoDirectoryEntryAsync(string tenantId, ITenantDirectoryGrain directory, Exception original)
    {
        var originalType = original.GetType();
        try
        {
            await directory.RemoveAsync(CredentialId, CancellationToken.None);
            Log.Compensated(logger, tenantId, CredentialId, originalType);
        }
        catch (Exception ex)
        {
            Log.CompensationFailed(logger, tenantId, CredentialId, originalType, ex.GetType());
        }
    }

    /// <summary>
    /// Removes the id from the directory after the deletion was stored. The deletion happened, so a failure here must
    /// not turn it into an error: it is logged (exception type only), the stale id lists as nothing, and a repeated
    /// delete retries the removal.
    /// </summary>
    private async Task RemoveFromDirectoryBestEffortAsync(string tenantId)
    {
        try
        {
            await GrainFactory.GetGrain<ITenantDirectoryGrain>(tenantId).RemoveAsync(CredentialId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.DirectoryCleanupFailed(logger, tenantId, CredentialId, ex.GetType());
        }
    }

    /// <summary>
    /// The <c>used_by</c> entries no integration stands behind any more, asked of each integration grain.
    /// </summary>
    /// <remarks>
    /// Why the credential asks rather than trusting its list: an entry is written by the attach, before the
    /// integration stores itself, so a create or update that failed in between (and whose compensating detach failed
    /// too), or a delete whose detach failed, leaves an entry for an integration that does not use this credential.
    /// Refusing the delete forever on such an entry would keep a credential the tenant wants gone (for instance after
    /// a leak) in the vault. So the in-use rule keeps protecting what it is for, a live integration losing its
    /// credential, and nothing else: an entry is dropped only when its integration positively answers that it neither
    /// exists with this credential nor has an attach of it in flight (the integration counts those, so a concurrent
    /// create is not cut off). When in doubt the credential stays: a failure to get the answer (timeout, silo down)
    /// propagates and refuses the delete, and an integration whose tenant check refuses the question keeps its entry.
    /// The question travels with the caller's tenant in the request context, which the isolation filter already
    /// matched to this credential's tenant, so the integration's own filter answers only for this tenant's integrations.
    /// This grain is not reentrant, so no attach or detach interleaves between the answers and the delete.
    /// Nothing is written unless the delete goes ahead: a refused delete changes nothing (DESIGN §9).
    /// </remarks>
    private async Task<List<string>> FindStaleUsersAsync(CancellationToken cancellationToken)
    {
        if (S.UsedBy.Count == 0)
        {
            return [];
        }

        var users = S.UsedBy.ToList();
        var answers = await Task.WhenAll(users.Select(i => UsesThisCredentialAsync(i, cancellationToken)));
        return [.. users.Where((_, index) => !answers[index])];
    }

    private async Task<bool> UsesThisCredentialAsync(string integrationId, CancellationToken cancellationToken)
    {
        try
        {
            return await GrainFactory.GetGrain<IIntegrationGrain>(integrationId).UsesCredentialAsync(CredentialId, cancellationToken);
        }
        catch (TenantAccessDeniedException)
        {
            // Not this tenant's integration: no answer to trust, so the entry stays (409, never a misleading 404).
            return true;
        }
    }

    bool ITenantOwned.IsCallAllowed(string methodName, string? callerTenantId, bool isOperator)
    {
        if (callerTenantId is null)
        {
            return false;
        }

        return S.TenantId is null
            ? methodName is nameof(CreateAsync) or nameof(GetAsync) or nameof(DeleteAsync)
            : string.Equals(S.TenantId, callerTenantId, StringComparison.Ordinal);
    }

    private bool Exists => S.TenantId is not null && !S.Deleted;

    private void RequireExists()
    {
        if (!Exists)
        {
            throw new TenantAccessDeniedException();
        }
    }

    /// <summary>
    /// <see cref="RequireExists"/> for an audited action: a deleted credential (whose tenant is known) is refused with a
    /// denied event. A credential that never existed has no tenant here; the isolation filter refuses those calls.
    /// </summary>
    private async Task RequireExistsAsync(AuditSubject subject)
    {
        if (!Exists)
        {
            throw S.TenantId is null ? new TenantAccessDeniedException() : await audit.DeniedAsync(subject, new TenantAccessDeniedException());
        }
    }

    /// <summary>What this credential's audit events name: its tenant's chain (the caller's, before it exists) and its id.</summary>
    private AuditSubject Subject(string action) => new(S.TenantId ?? TenantCallContext.CurrentTenant!, action, CredentialId);

    private CredentialInfo ToInfo() =>
        new(CredentialId, S.CredentialType, S.Name, S.Sealed?.Fingerprint ?? string.Empty, S.Sealed?.Version ?? 0, S.CreatedAt, S.UpdatedAt, [.. S.UsedBy]);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Tenant {TenantId} sealed credential {CredentialId} ({CredentialType}, {Fingerprint})")]
        public static partial void Sealed(ILogger logger, string tenantId, string credentialId, string credentialType, string fingerprint);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Tenant {TenantId} rotated credential {CredentialId} to version {Version} ({Fingerprint})")]
        public static partial void Rotated(ILogger logger, string tenantId, string credentialId, int version, string fingerprint);

        [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Tenant {TenantId} credential {CredentialId}: dropped {Count} used_by entries of integrations that no longer use it")]
        public static partial void StaleUsersDropped(ILogger logger, string tenantId, string credentialId, int count);

        [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Tenant {TenantId} deleted credential {CredentialId}")]
        public static partial void Deleted(ILogger logger, string tenantId, string credentialId);

        [LoggerMessage(EventId = 1205, Level = LogLevel.Information, Message = "Tenant {TenantId} credential {CredentialId}: undid the directory entry after a failed create ({ExceptionType})")]
        public static partial void Compensated(ILogger logger, string tenantId, string credentialId, Type exceptionType);

        [LoggerMessage(EventId = 1206, Level = LogLevel.Error, Message = "Tenant {TenantId} credential {CredentialId}: could not undo the directory entry after a failed create ({ExceptionType}); the undo failed with {UndoExceptionType}")]
        public static partial void CompensationFailed(ILogger logger, string tenantId, string credentialId, Type exceptionType, Type undoExceptionType);

        [LoggerMessage(EventId = 1207, Level = LogLevel.Warning, Message = "Tenant {TenantId} credential {CredentialId}: deleted, but removing it from the directory failed ({ExceptionType}); it lists as nothing and a repeated delete retries")]
        public static partial void DirectoryCleanupFailed(ILogger logger, string tenantId, string credentialId, Type exceptionType);
    }
}
