namespace QuantaSeal.Grains.Hosting.Postgres;

/// <summary>A connection string that logs itself redacted.</summary>
internal readonly struct RedactedConnectionString(string? connectionString)
{
    /// <inheritdoc/>
    public override string ToString() => PostgresConnectionStrings.Redact(connectionString);
}
