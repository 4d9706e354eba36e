using Npgsql;

namespace QuantaSeal.Grains.Hosting.Postgres;

/// <summary>
/// Normalises and redacts Npgsql connection strings. Every connection string the silo hands to Npgsql or to
/// the Orleans ADO.NET providers goes through <see cref="WithSafeTimeouts"/>, and every one that reaches a log
/// goes through <see cref="Redact"/> (or <see cref="ForLog"/>).
/// </summary>
internal static class PostgresConnectionStrings
{
    /// <summary>Seconds to wait for a connection when the caller did not say (Npgsql's own default is 15).</summary>
    internal const int DefaultConnectTimeoutSeconds = 5;

    /// <summary>Seconds a command may run when the caller did not say (Npgsql's own default is 30).</summary>
    internal const int DefaultCommandTimeoutSeconds = 15;

    private const string Redacted = "***";

    /// <summary>
    /// Returns the connection string with <c>Timeout</c> and <c>Command Timeout</c> set to short defaults when the
    /// caller did not set them, so a database outage fails grain calls and health checks quickly instead of
    /// holding activations for half a minute. Values the caller set are kept.
    /// </summary>
    /// <exception cref="ArgumentException">The string is empty or not a valid Npgsql connection string.</exception>
    internal static string WithSafeTimeouts(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = Parse(connectionString);
        var given = ExplicitKeywords(builder);
        if (!given.Contains("Timeout"))
        {
            builder.Timeout = DefaultConnectTimeoutSeconds;
        }

        if (!given.Contains("Command Timeout"))
        {
            builder.CommandTimeout = DefaultCommandTimeoutSeconds;
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// For the pools that run the same few statements all the time (the audit queue: a read per queue at least every
    /// 100 ms, a write per publish; the audit chain store): unless the caller set them, Npgsql prepares a statement on
    /// its second use on a connection and keeps it (<c>Max Auto Prepare</c>), and a connection going back to the pool
    /// is not reset with <c>DISCARD ALL</c> (<c>No Reset On Close</c>: these statements leave no session state).
    /// Parsing and planning these statements on every call and resetting every connection would otherwise be most of
    /// PostgreSQL's work on the audit path (loadtests/README.md).
    /// </summary>
    internal static void PrepareRepeatedStatements(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var given = ExplicitKeywords(builder);
        if (!given.Contains("Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = 32;
        }

        if (!given.Contains("Auto Prepare Min Usages"))
        {
            builder.AutoPrepareMinUsages = 2;
        }

        if (!given.Contains("No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }
    }

    /// <summary>
    /// The connection string without its secrets (password, SSL key password), safe to log. Never throws: an
    /// unparseable string is described, not echoed, because it might still contain a password.
    /// </summary>
    internal static string Redact(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "(empty connection string)";
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            return "(unparseable connection string)";
        }

        if (!string.IsNullOrEmpty(builder.Password))
        {
            builder.Password = Redacted;
        }

        if (!string.IsNullOrEmpty(builder.SslPassword))
        {
            builder.SslPassword = Redacted;
        }

        return builder.ConnectionString;
    }

    /// <summary>A value for structured logging whose <c>ToString()</c> is <see cref="Redact"/>.</summary>
    internal static RedactedConnectionString ForLog(string? connectionString) => new(connectionString);

    private static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            // Npgsql's message can quote the offending fragment, which may be the password: do not chain it.
            throw new ArgumentException(
                $"The PostgreSQL connection string is not valid for Npgsql ({ex.GetType().Name}). Expected e.g. "
                + "'Host=127.0.0.1;Port=5432;Username=quantaseal;Password=...;Database=quantaseal'.",
                nameof(connectionString));
        }
    }

    // Keys holds only the keywords present in the string, under their canonical names (synonyms folded).
    private static HashSet<string> ExplicitKeywords(NpgsqlConnectionStringBuilder builder) =>
        builder.Keys.Cast<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
}
