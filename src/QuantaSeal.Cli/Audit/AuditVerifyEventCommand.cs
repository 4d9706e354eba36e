using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using QuantaSeal.Client.Audit;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Cli.Audit;

/// <summary>
/// <c>quantaseal audit verify-event EVENT.json --signing-key PUB.b64</c>: checks offline that the event in the saved
/// answer of <c>GET /api/v2/audit/events/{id}</c> is in the chain its signed checkpoint certifies
/// (<see cref="AuditInclusionProof"/>). Exit 0 and a one-line summary; exit 2 and the reason when the proof fails
/// (or no checkpoint covers the event yet); exit 1 for usage, I/O or a malformed file.
/// </summary>
internal static class AuditVerifyEventCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("EVENT") { Description = "The JSON answer of GET /api/v2/audit/events/{id}. '-' reads standard input." };
        var keys = new AuditKeyOptions();
        var command = new Command("verify-event", "Verify one audit event and its inclusion proof against the signed checkpoint, offline.")
        {
            file,
        };
        keys.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => RunAsync(console, parseResult.GetRequiredValue(file), keys.Values(parseResult), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string path, (string[], string[], string?) keyValues, CancellationToken cancellationToken)
    {
        var text = await CliFiles.ReadTextAsync(path, console, "event", cancellationToken).ConfigureAwait(false);
        AuditEventWithProof answer;
        try
        {
            answer = AuditEventWithProof.Parse(text);
        }
        catch (JsonException)
        {
            throw new CliException($"event '{CliFiles.Display(path)}' is not the JSON answer of GET /api/v2/audit/events/{{id}}.");
        }

        var checkpoint = answer.Proof.Checkpoint;
        var signingKeys = await AuditKeyOptions.ResolveAsync(console, keyValues, checkpoint is null ? [] : [checkpoint], cancellationToken).ConfigureAwait(false);
        var result = answer.VerifyProof(signingKeys);
        if (!result.Valid)
        {
            await console.Error.WriteLineAsync($"quantaseal: event not verified: {result.Problem}").ConfigureAwait(false);
            return CliExitCodes.Rejected;
        }

        var e = answer.Event;
        await console.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"OK {e.EventId} (tenant {e.TenantId}, seq {e.Seq}, {e.Action} {e.Outcome} at {AuditCanonicalJson.FormatTimestamp(e.Timestamp)}) is in the chain certified by checkpoint seq {checkpoint!.Seq} signed by {checkpoint.KeyId} at {AuditCanonicalJson.FormatTimestamp(checkpoint.Timestamp)}")).ConfigureAwait(false);
        return CliExitCodes.Success;
    }
}
