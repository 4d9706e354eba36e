using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace QuantaSeal.Grains.Hosting.Postgres;

/// <summary>
/// One ordered schema migration: a <c>deploy/sql/NNNN_name.sql</c> file embedded in this assembly as
/// <c>QuantaSeal.Sql.NNNN_name.sql</c>.
/// </summary>
/// <param name="Version">The numeric prefix; migrations apply in ascending order.</param>
/// <param name="Name">The rest of the file name, without the extension.</param>
/// <param name="Sql">The script, with line endings normalised to LF.</param>
/// <param name="Checksum">Lower-case hex SHA-256 of <paramref name="Sql"/> as UTF-8.</param>
internal sealed partial record SchemaMigration(int Version, string Name, string Sql, string Checksum)
{
    /// <summary>Prefix of the embedded resources (see QuantaSeal.Grains.csproj).</summary>
    internal const string ResourcePrefix = "QuantaSeal.Sql.";

    /// <summary>The file name the migration came from, e.g. <c>0002_orleans_clustering.sql</c>.</summary>
    internal string FileName => $"{Version.ToString("D4", CultureInfo.InvariantCulture)}_{Name}.sql";

    /// <summary>
    /// Builds a migration from a file name and its text. Line endings and a UTF-8 byte order mark are
    /// normalised first, so a checkout with CRLF endings yields the same checksum as one with LF.
    /// </summary>
    /// <exception cref="ArgumentException">The file name is not <c>NNNN_lower_snake_name.sql</c>.</exception>
    internal static SchemaMigration FromFile(string fileName, string content)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(content);
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
        {
            throw new ArgumentException(
                $"Migration file '{fileName}' must be named NNNN_lower_snake_case.sql (e.g. 0005_audit_chain.sql).",
                nameof(fileName));
        }

        var sql = content.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
        return new SchemaMigration(
            int.Parse(match.Groups["version"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture),
            match.Groups["name"].Value,
            sql,
            checksum);
    }

    /// <summary>All migrations embedded in this assembly, in version order.</summary>
    internal static IReadOnlyList<SchemaMigration> LoadEmbedded() => Load(typeof(SchemaMigration).Assembly);

    /// <summary>All <c>QuantaSeal.Sql.*.sql</c> resources of <paramref name="assembly"/>, in version order.</summary>
    /// <exception cref="InvalidOperationException">Two files share a version number.</exception>
    internal static IReadOnlyList<SchemaMigration> Load(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var migrations = new List<SchemaMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal)
                || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Embedded resource '{resource}' could not be opened.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(FromFile(resource[ResourcePrefix.Length..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException(
                    $"Migrations '{migrations[i - 1].FileName}' and '{migrations[i].FileName}' share version {migrations[i].Version}.");
            }
        }

        return migrations;
    }

    [GeneratedRegex(@"^(?<version>[0-9]{4})_(?<name>[a-z0-9]+(?:_[a-z0-9]+)*)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();
}
