namespace QuantaSeal.Grains.Security.Records;

/// <summary>A grain whose stored record is authenticated; when it was refused, <see cref="RecordIntegrityFilter"/> refuses every call.</summary>
internal interface IRecordIntegrityGuarded
{
    /// <summary>Whether this activation's stored record failed verification (it is then never used).</summary>
    bool IsRecordRefused { get; }
}
