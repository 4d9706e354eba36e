using System.CommandLine;
using System.Globalization;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.Keys;

namespace QuantaSeal.Cli.Audit;

/// <summary>
/// <c>quantaseal audit verify EXPORT.ndjson --signing-key PUB.b64 [--key-id sk_...]</c>: checks every event hash and
/// every checkpoint signature of an audit export with only the tenant's public key(s). Exit 0 and a summary when the
/// chain is intact; exit 2 naming the first bad seq otherwise; exit 1 for usage, I/O or a malformed file.
/// </summary>
internal static class AuditVerifyCommand
{
    public static Command Create(CliConsole console)
    {
        var export = new Argument<string>("EXPORT") { Description = "The NDJSON export (GET /api/v2/audit/export). '-' reads standard input." };
        var signingKeys = new Option<string[]>("--signing-key")
        {
            Description = "File with a tenant ML-DSA-65 public key (standard base64). Repeat for retired keys; pair with --key-id in the same order.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var keyIds = new Option<string[]>("--key-id")
        {
            Description = "The key id (sk_...) of each --signing-key. Default: the key ids named by the checkpoints, for a single key.",
        };
        var command = new Command("verify", "Verify an audit export offline: hash chain, order, completeness and checkpoint signatures.")
        {
            export, signingKeys, keyIds,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            console,
            parseResult.GetRequiredValue(export),
            parseResult.GetRequiredValue(signingKeys),
            parseResult.GetValue(keyIds) ?? [],
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string exportPath, string[] signingKeyPaths, string[] keyIds, CancellationToken cancellationToken)
    {
        if (keyIds.Length > 0 && keyIds.Length != signingKeyPaths.Length)
        {
            throw new CliException("give one --key-id per --signing-key, in the same order.", CliExitCodes.UsageOrIo);
        }

        var text = await CliFiles.ReadTextAsync(exportPath, console, "export", cancellationToken).ConfigureAwait(false);
        string tenantId;
        IReadOnlyList<ChainedAuditRecord> events;
        IReadOnlyList<AuditCheckpoint> checkpoints;
        try
        {
            (tenantId, events, checkpoints) = AuditExport.Read(new StringReader(text));
        }
        catch (FormatException ex)
        {
            throw new CliException("the export is malformed: " + ex.Message, CliExitCodes.UsageOrIo);
        }

        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < signingKeyPaths.Length; i++)
        {
            var key = await CliFiles.ReadBase64KeyAsync(signingKeyPaths[i], console, "signing key", [PqcSizes.MlDsa65PublicKey], cancellationToken).ConfigureAwait(false);
            if (keyIds.Length > 0)
            {
                keys[keyIds[i]] = key;
            }
            else if (signingKeyPaths.Length == 1)
            {
                foreach (var id in checkpoints.Select(c => c.KeyId).Distinct(StringComparer.Ordinal))
                {
                    keys[id] = key;
                }
            }
            else
            {
                throw new CliException("with several --signing-key files, name each with --key-id.", CliExitCodes.UsageOrIo);
            }
        }

        var result = AuditChainVerifier.Verify(tenantId, events, checkpoints, keys);
        var summary = string.Create(CultureInfo.InvariantCulture, $"tenant {tenantId}: {result.EventsChecked} events, {result.CheckpointsChecked} checkpoints checked");
        if (result.Valid)
        {
            if (checkpoints.Count == 0)
            {
                summary += " (no signed checkpoint: the chain is self-consistent, but nothing anchors it to the tenant's key)";
            }

            await console.Out.WriteLineAsync($"OK {summary}; last seq {result.LastSeq}, hash {result.LastHashHex}").ConfigureAwait(false);
            return CliExitCodes.Success;
        }

        await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"quantaseal: chain broken at seq {result.FirstBadSeq}: {result.Problem} ({summary})")).ConfigureAwait(false);
        return CliExitCodes.Rejected;
    }
}
