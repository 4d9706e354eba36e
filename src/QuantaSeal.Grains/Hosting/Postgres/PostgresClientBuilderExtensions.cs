namespace QuantaSeal.Grains.Hosting.Postgres;

/// <summary>Cluster discovery for Orleans clients (the front-door-only role) through the PostgreSQL membership table.</summary>
internal static class PostgresClientBuilderExtensions
{
    /// <summary>
    /// Finds gateways with the ADO.NET clustering provider (invariant <c>Npgsql</c>) reading the silos' membership
    /// rows. Needs only SELECT on <c>orleansquery</c> and <c>orleans_membership</c>; never migrates the schema.
    /// </summary>
    internal static IClientBuilder UseQuantaSealPostgresClustering(this IClientBuilder client, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(client);
        var cs = PostgresConnectionStrings.WithSafeTimeouts(connectionString);
        client.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresSiloBuilderExtensions.Invariant;
            options.ConnectionString = cs;
        });
        return client;
    }
}
