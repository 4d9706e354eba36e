using System.CommandLine;
using System.Globalization;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Cli.Audit;

/// <summary>
/// <c>quantaseal audit verify EXPORT.ndjson --signing-key PUB.b64 [--key-id sk_...]</c> (or <c>--tenant-keys KEYS.json</c>):
/// checks every event hash and every checkpoint signature of an audit export with only the tenant's public key(s).
/// Exit 0 and a summary when the chain is intact; exit 3 when it is intact but the export's header says acknowledged
/// events of the tenant are dead-lettered outside it; exit 2 naming the first bad seq otherwise; exit 1 for usage, I/O
/// or a malformed file.
/// </summary>
/// <remarks>
/// A file is read twice (checkpoints first, then the events through an <see cref="AuditChainWalker"/>), so an export of
/// any size is verified in memory proportional to its checkpoints. Standard input is read into memory (up to
/// <see cref="CliFiles.MaxInputBytes"/>) because it cannot be read twice.
/// </remarks>
internal static class AuditVerifyCommand
{
    public static Command Create(CliConsole console)
    {
        var export = new Argument<string>("EXPORT") { Description = "The NDJSON export (GET /api/v2/audit/export). '-' reads standard input." };
        var keys = new AuditKeyOptions();
        var command = new Command("verify", "Verify an audit export offline: hash chain, order, completeness and checkpoint signatures.")
        {
            export,
        };
        keys.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => RunAsync(console, parseResult.GetRequiredValue(export), keys.Values(parseResult), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string exportPath, (string[], string[], string?) keyValues, CancellationToken cancellationToken)
    {
        Func<TextReader> open;
        if (exportPath == "-")
        {
            var text = await CliFiles.ReadTextAsync(exportPath, console, "export", cancellationToken).ConfigureAwait(false);
            open = () => new StringReader(text);
        }
        else
        {
            open = () => OpenFile(exportPath);
        }

        var checkpoints = new List<AuditCheckpoint>();
        var header = Read(exportPath, open, null, checkpoints.Add);
        var tenantId = header.TenantId;
        var signingKeys = await AuditKeyOptions.ResolveAsync(console, keyValues, checkpoints, cancellationToken).ConfigureAwait(false);

        var walker = new AuditChainWalker(tenantId, checkpoints, signingKeys);
        Read(exportPath, open, e => walker.Add(e), null);
        var result = walker.Complete();

        var summary = string.Create(CultureInfo.InvariantCulture, $"tenant {tenantId}: {result.EventsChecked} events, {result.CheckpointsChecked} checkpoints checked");
        if (result.Valid)
        {
            if (checkpoints.Count == 0)
            {
                summary += " (no signed checkpoint: the chain is self-consistent, but nothing anchors it to the tenant's key)";
            }

            await console.Out.WriteLineAsync($"OK {summary}; last seq {result.LastSeq}, hash {result.LastHashHex}").ConfigureAwait(false);
            switch (header.Completeness)
            {
                case null:
                    await console.Out.WriteLineAsync("completeness: not reported (an export from before the server reported it)").ConfigureAwait(false);
                    return CliExitCodes.Success;
                case { Complete: true }:
                    await console.Out.WriteLineAsync("complete: yes (the server reported no dead-lettered event when it exported)").ConfigureAwait(false);
                    return CliExitCodes.Success;
                case var c:
                    await console.Out.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"INCOMPLETE: the server reported {c.DeadLetteredEvents} acknowledged events of this tenant dead-lettered outside the chain, and {c.UnattributedDeadLetters} dead letters of an unknown tenant; an operator re-drive (POST /api/v2/operator/audit/redrive) chains them")).ConfigureAwait(false);
                    return CliExitCodes.Incomplete;
            }
        }

        await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"quantaseal: chain broken at seq {result.FirstBadSeq}: {result.Problem} ({summary})")).ConfigureAwait(false);
        return CliExitCodes.Rejected;
    }

    private static AuditExportHeader Read(string path, Func<TextReader> open, Action<AuditRecord>? onEvent, Action<AuditCheckpoint>? onCheckpoint)
    {
        try
        {
            using var reader = open();
            return AuditExport.ReadWithHeader(reader, onEvent, onCheckpoint);
        }
        catch (FormatException ex)
        {
            throw new CliException("the export is malformed: " + ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read export '{CliFiles.Display(path)}': {CliFiles.Describe(ex)}");
        }
    }

    private static StreamReader OpenFile(string path)
    {
        try
        {
            // Strict UTF-8 would reject a file the server never writes; a BOM from an editor is skipped by StreamReader.
            return new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read export '{CliFiles.Display(path)}': {CliFiles.Describe(ex)}");
        }
    }
}
