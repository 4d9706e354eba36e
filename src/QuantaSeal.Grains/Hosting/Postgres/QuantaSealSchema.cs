using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace QuantaSeal.Grains.Hosting.Postgres;

/// <summary>
/// QuantaSeal's PostgreSQL schema (the <c>deploy/sql</c> migrations embedded in this assembly), for deployment tooling
/// that applies it as its own step, before any silo starts. The server does the same with
/// <c>QuantaSeal.Server migrate --connection-string …</c>; a silo can do it at start with
/// <see cref="PostgresSiloBuilderExtensions.AddQuantaSealMigrations"/>.
/// </summary>
public static class QuantaSealSchema
{
    /// <summary>
    /// Applies every migration the database does not have yet, each in its own transaction; concurrent callers
    /// serialise on an advisory lock. Throws, before changing anything, when an applied migration was edited or renamed.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string whose role may run DDL on the database.</param>
    /// <param name="logger">Where progress goes (connection strings are logged without their password).</param>
    /// <param name="cancellationToken">Cancels between migrations.</param>
    /// <returns>The file names of the migrations applied by this call (empty when the schema was already current).</returns>
    /// <exception cref="InvalidOperationException">A migration failed (it was rolled back) or an applied one was changed.</exception>
    public static async Task<IReadOnlyList<string>> MigrateAsync(
        string connectionString, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var applied = await PostgresSchemaMigrator.MigrateAsync(connectionString, logger ?? NullLogger.Instance, cancellationToken);
        return [.. applied.Select(m => m.FileName)];
    }

    /// <summary>
    /// Checks, changing nothing, that the database has every migration of this build, unchanged. A silo that uses
    /// QuantaSeal's PostgreSQL providers makes the same check at start and refuses to start with this message.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string (read rights are enough).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Null when the schema is current; otherwise what is missing or changed and how to fix it.</returns>
    public static Task<string?> CheckAsync(string connectionString, CancellationToken cancellationToken = default) =>
        PostgresSchemaMigrator.CheckAsync(connectionString, cancellationToken);
}
