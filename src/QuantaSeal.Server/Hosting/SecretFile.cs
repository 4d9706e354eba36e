using System.Security.Cryptography;

namespace QuantaSeal.Server.Hosting;

/// <summary>Reads a secret file, creating it with fresh random content (mode 0600) when it does not exist.</summary>
internal static class SecretFile
{
    public static (string Value, bool Created) ReadOrCreate(string path, Func<string> generate)
    {
        ArgumentNullException.ThrowIfNull(generate);
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            var value = File.ReadAllText(full).Trim();
            if (value.Length == 0)
            {
                throw new InvalidOperationException($"Secret file '{full}' is empty.");
            }

            return (value, false);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var created = generate();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(full, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(created);
            writer.Write('\n');
        }

        return (created, true);
    }

    /// <summary>A new operator key: <c>qs_op_</c> + 32 random bytes base64url.</summary>
    public static string NewOperatorKey() =>
        "qs_op_" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
