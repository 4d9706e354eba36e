using Microsoft.Extensions.DependencyInjection;
using QuantaSeal.Grains.Security.Records;

namespace QuantaSeal.Grains.Integrations;

/// <summary>
/// The integration's stored record is authenticated (<see cref="IntegrationRecord"/>): verified on activation, sealed on
/// every write. A record that fails is reported and refused; <see cref="RecordIntegrityFilter"/> then refuses every call
/// (no proxy, no read, no change), so the record is never used.
/// </summary>
internal sealed partial class IntegrationGrain : IRecordIntegrityGuarded
{
    private bool _recordRefused;

    bool IRecordIntegrityGuarded.IsRecordRefused => _recordRefused;

    private RecordAuthenticator Records => ServiceProvider.GetRequiredService<RecordAuthenticator>();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.TenantId is null)
        {
            return;
        }

        var verdict = await Records.VerifyAsync(IntegrationRecord.Identity(IntegrationId, S), S.Authenticator, IntegrationRecord.Fields(S), cancellationToken);
        if (verdict != RecordVerdict.Valid)
        {
            _recordRefused = true;
            await Records.ReportRefusedAsync(RecordKinds.Integration, IntegrationId, S.TenantId, verdict);
        }
    }

    /// <summary>Writes the record with a new version and its authenticator; on failure memory keeps the stored ones.</summary>
    private async Task WriteSealedStateAsync(CancellationToken cancellationToken)
    {
        var (version, authenticator) = (S.RecordVersion, S.Authenticator);
        S.RecordVersion++;
        try
        {
            S.Authenticator = await Records.ComputeAsync(IntegrationRecord.Identity(IntegrationId, S), IntegrationRecord.Fields(S), cancellationToken);
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            (S.RecordVersion, S.Authenticator) = (version, authenticator);
            throw;
        }
    }
}
