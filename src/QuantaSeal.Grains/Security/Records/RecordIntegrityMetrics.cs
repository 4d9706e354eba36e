using System.Diagnostics.Metrics;

namespace QuantaSeal.Grains.Security.Records;

/// <summary>Counters of refused stored records, on the security meter (<see cref="MeterName"/>, exported by the server).</summary>
internal static class RecordIntegrityMetrics
{
    /// <summary>Shared with the front door's security counters, so one <c>AddMeter</c> exports both.</summary>
    public const string MeterName = "QuantaSeal.Security";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Stored records refused on activation (tags: <c>kind</c>, <c>reason</c>). Any non-zero value needs an operator.</summary>
    internal static readonly Counter<long> Refused = Meter.CreateCounter<long>("quantaseal.security.records_refused", "{record}");
}
