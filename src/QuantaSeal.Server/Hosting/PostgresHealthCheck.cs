using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace QuantaSeal.Server.Hosting;

/// <summary>Ready when PostgreSQL answers <c>SELECT 1</c> within the connection string's (short) timeouts.</summary>
internal sealed class PostgresHealthCheck(string connectionString) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Never the exception message: it can carry connection details.
            return HealthCheckResult.Unhealthy("database unreachable");
        }
    }
}
