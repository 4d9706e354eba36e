namespace QuantaSeal.Grains.Hosting.Postgres;

/// <summary>A database whose QuantaSeal schema must be current before the silo starts (see <see cref="PostgresSchemaCheckStartup"/>).</summary>
/// <param name="ConnectionString">The Npgsql connection string of the database.</param>
internal sealed record PostgresSchemaRequirement(string ConnectionString);
