using System.Security.Cryptography;
using QuantaSeal.Crypto.Encoding;

namespace QuantaSeal.Cli;

/// <summary>Reading the CLI's input files. Errors name the file and the problem, never the content.</summary>
internal static class CliFiles
{
    /// <summary>Envelopes are a few KB; refuse anything absurd before reading it into memory.</summary>
    public const int MaxInputBytes = 16 * 1024 * 1024;

    public static async Task<string> ReadTextAsync(string path, CliConsole console, string what, CancellationToken cancellationToken)
    {
        try
        {
            var stream = path == "-" ? console.OpenInput() : File.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
                using var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxInputBytes)
                    {
                        throw new CliException($"{what} '{Display(path)}' is larger than {MaxInputBytes} bytes.");
                    }

                    buffer.Write(chunk, 0, read);
                }

                // Editors on some platforms prepend a UTF-8 byte order mark; it is not part of the JSON or base64.
                return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {what} '{Display(path)}': {Describe(ex)}");
        }
    }

    /// <summary>Reads a key file: standard base64 (surrounding whitespace ignored) of one of the allowed lengths.</summary>
    public static async Task<byte[]> ReadBase64KeyAsync(string path, CliConsole console, string what, int[] allowedLengths, CancellationToken cancellationToken)
    {
        var text = await ReadTextAsync(path, console, what, cancellationToken).ConfigureAwait(false);
        if (!StrictBase64.TryDecode(text.Trim(), out var bytes))
        {
            throw new CliException($"{what} '{Display(path)}' is not standard base64 (RFC 4648 §4, padded).");
        }

        if (!allowedLengths.Contains(bytes.Length))
        {
            var length = bytes.Length;
            CryptographicOperations.ZeroMemory(bytes);
            throw new CliException(
                $"{what} '{Display(path)}' decodes to {length} bytes; expected {string.Join(" or ", allowedLengths)}.");
        }

        return bytes;
    }

    public static string Display(string path) => path == "-" ? "<stdin>" : path;

    public static string Describe(Exception ex) => ex switch
    {
        FileNotFoundException => "file not found",
        DirectoryNotFoundException => "directory not found",
        UnauthorizedAccessException => "permission denied",
        _ => ex.Message,
    };
}
