namespace QuantaSeal.Grains.Hosting.Postgres;

/// <summary>
/// Fixed log event ids of the PostgreSQL hosting code (range 7100-7199). Kept here until the project has one
/// LogEventIds catalog; move them there unchanged (operators alert on them).
/// </summary>
internal static class PostgresLogEventIds
{
    internal const int MigrationStarting = 7100;
    internal const int MigrationApplied = 7101;
    internal const int SchemaUpToDate = 7102;
    internal const int UnknownMigrationsInDatabase = 7103;
    internal const int SchemaMigrationFailed = 7104;
    internal const int SchemaBehind = 7105;
    internal const int SchemaCheckFailed = 7106;
    internal const int LegacyRecordSealed = 7110;
}
