using QuantaSeal.Abstractions.Tenants;

namespace QuantaSeal.Grains.Security.Records;

/// <summary>
/// Refuses every QuantaSeal call to a grain whose stored record failed verification (<see cref="IRecordIntegrityGuarded"/>),
/// so no method of it can use the record, whichever method a future change adds. Registered after the tenant isolation
/// filter: only the tenant the record claims learns that it was refused; any other tenant gets the usual denial.
/// </summary>
internal sealed class RecordIntegrityFilter : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.TargetContext?.GrainInstance is IRecordIntegrityGuarded { IsRecordRefused: true }
            && context.InterfaceMethod?.DeclaringType?.Namespace is { } ns && ns.StartsWith("QuantaSeal.", StringComparison.Ordinal))
        {
            throw new RecordIntegrityException();
        }

        return context.Invoke();
    }
}
