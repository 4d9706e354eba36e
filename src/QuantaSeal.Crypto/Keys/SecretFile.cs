namespace QuantaSeal.Crypto.Keys;

/// <summary>
/// Files that hold secrets (client keys, the operator and master keys): owner-only (0600) on Unix from the moment they
/// exist, and flushed to disk before they are used.
/// </summary>
public static class SecretFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>; without <paramref name="overwrite"/> an existing file is an error.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content, bool overwrite)
    {
        var fullPath = Path.GetFullPath(path);
        if (!overwrite)
        {
            WriteNew(fullPath, content);
            return;
        }

        // Write a sibling temp file with the right mode, then rename over the target: the target is never
        // briefly readable by others, and a crash never leaves a half-written key.
        var temp = Path.Combine(Path.GetDirectoryName(fullPath)!, "." + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            WriteNew(temp, content);
            File.Move(temp, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// Reads a secret text file (trimmed), or creates it with <paramref name="generate"/>'s value and a newline when it
    /// does not exist. <c>Created</c> says which happened. An empty file is an error, never a secret.
    /// </summary>
    public static (string Value, bool Created) ReadOrCreate(string path, Func<string> generate)
    {
        ArgumentNullException.ThrowIfNull(generate);
        var fullPath = Path.GetFullPath(path);
        if (File.Exists(fullPath))
        {
            var value = File.ReadAllText(fullPath).Trim();
            return value.Length == 0 ? throw new InvalidOperationException($"Secret file '{fullPath}' is empty.") : (value, false);
        }

        var created = generate();
        CreateText(fullPath, created);
        return (created, true);
    }

    /// <summary>Creates a secret text file (and its folder) holding <paramref name="value"/> and a newline; an existing file is an error.</summary>
    public static void CreateText(string path, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        WriteNew(fullPath, System.Text.Encoding.UTF8.GetBytes(value + "\n"));
    }

    private static void WriteNew(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }
}
