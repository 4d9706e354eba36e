using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Abstractions.Vault;
using QuantaSeal.Grains.Vault;

namespace QuantaSeal.Grains.Integrations;

/// <summary>
/// The integration's links to other grains and their compensation: the credential it uses (its <c>used_by</c>) and
/// the tenant directory. A change attaches before it stores and detaches after; a failure in between is undone here.
/// </summary>
internal sealed partial class IntegrationGrain
{
    /// <summary>
    /// The credential checks of the attach, made before the intent so that a refused create or update is one denied
    /// event (not an intent and a denied outcome). The attach repeats them: a credential deleted in between is still refused.
    /// </summary>
    private async Task RequireUsableCredentialAsync(string credentialId, string systemType, CancellationToken cancellationToken)
    {
        CredentialInfo? credential;
        try
        {
            credential = await GrainFactory.GetGrain<ICredentialGrain>(credentialId).GetAsync(cancellationToken);
        }
        catch (TenantAccessDeniedException)
        {
            credential = null;
        }

        if (credential is null)
        {
            throw new QuantaSealValidationException("credential_id", "No credential with that id exists for this tenant.");
        }

        var spec = CredentialTypes.Find(credential.CredentialType)!;
        if (!spec.SystemTypes.Contains(systemType, StringComparer.Ordinal))
        {
            throw new QuantaSealValidationException("credential_id", $"A {credential.CredentialType} credential cannot be used by a {systemType} integration (accepted by: {string.Join(", ", spec.SystemTypes)}).");
        }
    }

    /// <summary>
    /// Records this integration in the credential's used_by. On success the credential stays in
    /// <see cref="_attaching"/> until the caller stored or undid the change and called <see cref="EndAttach"/>.
    /// </summary>
    private async Task AttachCredentialAsync(string tenantId, string credentialId, string systemType, CancellationToken cancellationToken)
    {
        _attaching.Add((tenantId, credentialId));
        try
        {
            await GrainFactory.GetGrain<ICredentialGrain>(credentialId).AttachAsync(IntegrationId, systemType, cancellationToken);
        }
        catch (TenantAccessDeniedException)
        {
            EndAttach(tenantId, credentialId);
            throw new QuantaSealValidationException("credential_id", "No credential with that id exists for this tenant.");
        }
        catch
        {
            EndAttach(tenantId, credentialId);
            throw;
        }
    }

    private void EndAttach(string tenantId, string credentialId) => _attaching.Remove((tenantId, credentialId));

    /// <summary>
    /// Compensation after a failure that followed the attach: the credential forgets this integration again. The
    /// original failure is what the caller gets; if the detach fails too it is only logged (its type, no message),
    /// and the credential drops the stale entry itself when it is deleted.
    /// </summary>
    private Task DetachAfterFailureAsync(string tenantId, string credentialId, Exception original) =>
        UndoAsync(tenantId, "credential", original, () => GrainFactory.GetGrain<ICredentialGrain>(credentialId).DetachAsync(IntegrationId, CancellationToken.None));

    /// <summary>
    /// Runs one compensation step. It ignores the request's cancellation token on purpose (a cancelled request must
    /// still be undone) and never throws: the caller rethrows the original exception.
    /// </summary>
    private async Task UndoAsync(string tenantId, string step, Exception original, Func<Task> undo)
    {
        var originalType = original.GetType();
        try
        {
            await undo();
            Log.Compensated(logger, tenantId, IntegrationId, step, originalType);
        }
        catch (Exception ex)
        {
            Log.CompensationFailed(logger, tenantId, IntegrationId, step, originalType, ex.GetType());
        }
    }

    /// <summary>Detaches a credential the stored state no longer names; a failure is logged, not thrown.</summary>
    private async Task DetachBestEffortAsync(string tenantId, string credentialId)
    {
        try
        {
            await GrainFactory.GetGrain<ICredentialGrain>(credentialId).DetachAsync(IntegrationId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.DetachFailed(logger, tenantId, IntegrationId, ex.GetType());
        }
    }

    /// <summary>
    /// Removes the id from the tenant directory after the deletion was stored. The deletion happened, so a failure here
    /// must not turn it into an error: it is logged (exception type only), the stale id lists as nothing, and a
    /// repeated delete retries the removal. Not the request's token: the cleanup belongs to a stored change.
    /// </summary>
    private async Task RemoveFromDirectoryBestEffortAsync(string tenantId)
    {
        try
        {
            await GrainFactory.GetGrain<ITenantDirectoryGrain>(tenantId).RemoveAsync(IntegrationId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.DirectoryCleanupFailed(logger, tenantId, IntegrationId, ex.GetType());
        }
    }
}
