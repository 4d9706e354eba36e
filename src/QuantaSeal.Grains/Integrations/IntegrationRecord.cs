using QuantaSeal.Grains.Security.Records;

namespace QuantaSeal.Grains.Integrations;

/// <summary>
/// What authenticates an integration's record: every field (tenant, system type, name, domain, credential id, allowed
/// operations, deletion, times), under the integration id.
/// </summary>
internal static class IntegrationRecord
{
    public static RecordIdentity Identity(string integrationId, IntegrationState state) =>
        new(RecordKinds.Integration, state.TenantId ?? string.Empty, integrationId, state.RecordVersion);

    public static Action<RecordMac> Fields(IntegrationState state) => mac => mac
        .Add(state.SystemType)
        .Add(state.Name)
        .Add(state.Domain)
        .Add(state.CredentialId)
        .Add(state.AllowedOperations)
        .Add(state.CreatedAt)
        .Add(state.UpdatedAt)
        .Add(state.Deleted);
}
