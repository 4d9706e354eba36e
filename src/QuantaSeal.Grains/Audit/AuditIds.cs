namespace QuantaSeal.Grains.Audit;

/// <summary>Audit event ids: <c>aud_</c> + ULID (time-ordered, unique).</summary>
public static class AuditIds
{
    /// <summary>A new event id.</summary>
    public static string New() => "aud_" + Ulid.NewUlid().ToString();
}
