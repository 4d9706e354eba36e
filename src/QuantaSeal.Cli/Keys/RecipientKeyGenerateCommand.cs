using System.CommandLine;
using QuantaSeal.Client.Encryption;

namespace QuantaSeal.Cli.Keys;

/// <summary>
/// <c>quantaseal keys recipient generate --out SECRET.b64 [--public-out PUB.b64] [--force]</c>: creates a new
/// ML-KEM-768 recipient key, writes its 64-byte seed as base64 to an owner-only (0600) file, and prints the
/// public key (base64, to register with <c>POST /api/v2/tenant/recipient-keys</c>) on stdout.
/// </summary>
internal static class RecipientKeyGenerateCommand
{
    public static Command Create(CliConsole console)
    {
        var output = new Option<string>("--out")
        {
            Description = "Where to write the private key (standard base64 of the 64-byte seed; created with mode 0600).",
            Required = true,
        };
        var publicOutput = new Option<string?>("--public-out")
        {
            Description = "Also write the public key (standard base64 of 1184 bytes) to this file.",
        };
        var force = new Option<bool>("--force")
        {
            Description = "Replace existing files.",
        };

        var command = new Command("generate", "Generate a recipient key pair.") { output, publicOutput, force };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            console,
            parseResult.GetRequiredValue(output),
            parseResult.GetValue(publicOutput),
            parseResult.GetValue(force),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string outputPath, string? publicOutputPath, bool force, CancellationToken cancellationToken)
    {
        // Check both targets before writing anything, so a refusal never leaves half the pair behind.
        foreach (var path in new[] { outputPath, publicOutputPath })
        {
            if (!force && path is not null && File.Exists(path))
            {
                throw new CliException($"'{path}' already exists; use --force to replace it.");
            }
        }

        using var key = RecipientKey.Generate();
        try
        {
            key.Save(outputPath, overwrite: force);
            if (publicOutputPath is not null)
            {
                var stream = new FileStream(publicOutputPath, force ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None);
                await using (stream.ConfigureAwait(false))
                {
                    await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(key.PublicKeyBase64 + "\n"), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write the key files: {CliFiles.Describe(ex)}");
        }

        await console.Out.WriteLineAsync(key.PublicKeyBase64.AsMemory(), cancellationToken).ConfigureAwait(false);
        await console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        return CliExitCodes.Success;
    }
}
