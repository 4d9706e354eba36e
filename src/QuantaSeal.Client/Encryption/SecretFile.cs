namespace QuantaSeal.Client.Encryption;

/// <summary>Writes files that hold secrets: owner-only (0600) on Unix from the moment they exist.</summary>
internal static class SecretFile
{
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
