namespace QuantaSeal.Server.Hosting;

/// <summary>
/// Start-up checks of the secret files (issue 13 finding 6). A key file that group or others can read is a key that
/// is no longer a secret; a guessable operator key hands out tenants. Both used to be accepted: the operator key
/// silently, the master key until the first tenant action, which then failed with a 500 and no reason logged. Every
/// problem is reported at once, each with the command that fixes it, and the server exits non-zero.
/// </summary>
internal static class KeyFileChecks
{
    /// <summary>Shortest operator key accepted (the generated ones are 49 characters: <c>qs_op_</c> + 256 bits).</summary>
    public const int MinOperatorKeyLength = 32;

    /// <summary>Fewest distinct characters an operator key must use (a repeated word or a short alphabet is refused).</summary>
    public const int MinOperatorKeyDistinctCharacters = 16;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Checks the operator key file and, when the master key comes from a file, the master key file. Files that do not
    /// exist yet are fine (they are created 0600). Returns every problem, empty when there is none.
    /// </summary>
    public static IReadOnlyList<string> Check(string operatorKeyFile, string? masterKeyFile)
    {
        var problems = new List<string>();
        CheckMode(operatorKeyFile, "operator key", problems);
        if (masterKeyFile is not null)
        {
            CheckMode(masterKeyFile, "master key", problems);
        }

        if (File.Exists(operatorKeyFile) && OperatorKeyProblem(ReadTrimmed(operatorKeyFile)) is { } weak)
        {
            problems.Add($"The operator key in '{Path.GetFullPath(operatorKeyFile)}' is too weak: {weak} "
                + "Replace it with a generated one: delete the file and restart (a new key is written, mode 0600), "
                + "or write 'qs_op_' followed by at least 32 random bytes in base64url (e.g. openssl rand -base64 32 | tr '+/' '-_' | tr -d '=').");
        }

        return problems;
    }

    /// <summary>Why <paramref name="operatorKey"/> is too weak, or <see langword="null"/> when it is acceptable.</summary>
    public static string? OperatorKeyProblem(string operatorKey)
    {
        ArgumentNullException.ThrowIfNull(operatorKey);
        if (operatorKey.StartsWith(Grains.Security.ApiKeyFormat.LivePrefix, StringComparison.Ordinal)
            || operatorKey.StartsWith(Grains.Security.ApiKeyFormat.TestPrefix, StringComparison.Ordinal))
        {
            // The console (and any client) tells the two kinds of key apart by these prefixes.
            return $"it starts with a tenant API key prefix ('{Grains.Security.ApiKeyFormat.LivePrefix}' or '{Grains.Security.ApiKeyFormat.TestPrefix}').";
        }

        if (operatorKey.Length < MinOperatorKeyLength)
        {
            return $"it has {operatorKey.Length} characters, at least {MinOperatorKeyLength} are required.";
        }

        var distinct = operatorKey.Distinct().Count();
        return distinct < MinOperatorKeyDistinctCharacters
            ? $"it uses only {distinct} distinct characters, at least {MinOperatorKeyDistinctCharacters} are required."
            : null;
    }

    private static void CheckMode(string path, string what, List<string> problems)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) != 0)
        {
            var full = Path.GetFullPath(path);
            problems.Add($"The {what} file '{full}' is accessible to group or others (mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}); "
                + $"restrict it with: chmod 600 '{full}' (and keep it owned by the server's user).");
        }
    }

    private static string ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
