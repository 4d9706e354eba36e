using System.Net;
using System.Text.Json;
using QuantaSeal.Client.Audit;
using QuantaSeal.Client.Tests.CommandLine;
using QuantaSeal.Client.Tests.Infrastructure;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Client.Tests.Audit;

/// <summary>The SDK and the CLI against the real server: list, prove, verify and export a tenant's chain, then tamper with the export.</summary>
public sealed class AuditEndToEndTests(AuditServerFixture fixture) : IClassFixture<AuditServerFixture>, IDisposable
{
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private async Task<List<string>> ExportLinesAsync()
    {
        using var buffer = new MemoryStream();
        await fixture.Auditor.ExportAuditAsync(buffer, Ct);
        return [.. System.Text.Encoding.UTF8.GetString(buffer.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private string TenantKeysFile() => _dir.Write("tenant-keys.json", JsonSerializer.Serialize(fixture.Keys, QuantaSealClient.JsonOptions));

    private string[] SigningKeyArgs() =>
        [.. fixture.Keys.SigningKeys.SelectMany((k, i) => new[] { "--signing-key", _dir.WriteBase64($"signing-{i}.b64", k.PublicKey) })];

    [Fact]
    public async Task ServerVerify_ReportsAnIntactChain_CoveredBySignedCheckpoints()
    {
        var report = await fixture.Auditor.VerifyAuditChainAsync(Ct);

        Assert.True(report.Valid, report.Problem);
        Assert.Equal(fixture.LastSeq, report.LastSeq);
        Assert.Equal(report.LastSeq, report.EventsChecked);
        Assert.True(report.CheckpointsChecked >= 2, $"{report.CheckpointsChecked} checkpoints");
    }

    [Fact]
    public async Task EnumerateAuditEvents_FollowsCursors_ThroughTheWholeChain()
    {
        var events = await fixture.Auditor.EnumerateAuditEventsAsync(new AuditEventQuery(Limit: 2), Ct).ToListAsync(Ct);

        Assert.Equal(Enumerable.Range(1, (int)fixture.LastSeq).Select(i => (long)i), events.Select(e => e.Seq).Take((int)fixture.LastSeq));
        var walker = new AuditChainWalker(fixture.Keys.TenantId, [], fixture.Keys.SigningPublicKeysById());
        Assert.All(events, e => Assert.True(walker.Add(e)));
        Assert.True(walker.Complete().Valid);
    }

    [Fact]
    public async Task ListAuditEvents_Descending_StartsWithTheNewest()
    {
        var page = await fixture.Auditor.ListAuditEventsAsync(new AuditEventQuery(Limit: 1, Descending: true), Ct);

        Assert.True(Assert.Single(page.Items).Seq >= fixture.LastSeq);
        Assert.NotNull(page.NextCursor);
    }

    [Fact]
    public async Task Checkpoints_AreSignedByTheTenantsKeys_BeforeAndAfterRotation()
    {
        var checkpoints = new List<AuditCheckpoint>();
        for (long? after = null; ;)
        {
            var page = await fixture.Auditor.ListAuditCheckpointsAsync(after, 1, Ct);
            checkpoints.AddRange(page.Items);
            if (page.NextCursor is null)
            {
                break;
            }

            after = long.Parse(page.NextCursor, System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.All(checkpoints, c => Assert.True(c.VerifySignature(fixture.Keys.SigningPublicKeysById()), $"checkpoint {c.Seq} by {c.KeyId}"));
        Assert.Equal(checkpoints.Select(c => c.Seq).Order(), checkpoints.Select(c => c.Seq));
        Assert.True(checkpoints.Select(c => c.KeyId).Distinct().Count() >= 2, "the rotation should have changed the checkpoint key");
    }

    [Fact]
    public async Task GetAuditEvent_ProofVerifies_WithTheTenantKeys()
    {
        var first = (await fixture.Auditor.ListAuditEventsAsync(new AuditEventQuery(Limit: 1), Ct)).Items[0];

        var answer = await fixture.Auditor.GetAuditEventAsync(first.EventId, Ct);

        Assert.Equal(first, answer.Event);
        var result = answer.VerifyProof(fixture.Keys.SigningPublicKeysById());
        Assert.True(result.Valid, result.Problem);
    }

    [Fact]
    public async Task GetAuditEvent_OfAnUnknownId_Is404()
    {
        // Another tenant's auditor: the refusal is audited (audit.read, denied) into that tenant's chain, not the fixture's.
        var auditor = fixture.Server.Sdk(await OtherTenantKeyAsync("audit:read"));

        var ex = await Assert.ThrowsAsync<QuantaSealApiException>(() => auditor.GetAuditEventAsync("aud_01JZZZZZZZZZZZZZZZZZZZZZZZ", Ct));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task CliVerifyEvent_AcceptsTheSavedAnswer_AndRejectsATamperedOne()
    {
        var events = await fixture.Auditor.ListAuditEventsAsync(new AuditEventQuery(Limit: 2), Ct);
        using var http = fixture.Server.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v2/audit/events/" + events.Items[1].EventId);
        request.Headers.Add("X-API-Key", fixture.AuditorKey);
        using var response = await http.SendAsync(request, Ct);
        var json = await response.Content.ReadAsStringAsync(Ct);
        var saved = _dir.Write("event.json", json);
        var tampered = _dir.Write("tampered.json", json.Replace($"\"seq\":{events.Items[1].Seq},", $"\"seq\":{events.Items[1].Seq + 100},", StringComparison.Ordinal));

        var ok = await CliHarness.RunInProcessAsync(["audit", "verify-event", saved, "--tenant-keys", TenantKeysFile()]);
        var bad = await CliHarness.RunInProcessAsync(["audit", "verify-event", tampered, "--tenant-keys", TenantKeysFile()]);

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains($"OK {events.Items[1].EventId}", ok.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public async Task ScopeOtherThanAuditRead_IsRefused()
    {
        // Another tenant's key: the refusal is audited (audit.read, denied) into that tenant's chain, not the fixture's.
        var proxyKey = await OtherTenantKeyAsync("proxy");

        var ex = await Assert.ThrowsAsync<QuantaSealApiException>(() => fixture.Server.Sdk(proxyKey).ExportAuditAsync(Stream.Null, Ct));

        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
    }

    [Fact]
    public async Task Export_VerifiesWithTheCli_UsingTheTenantKeysOrTheKeyFiles()
    {
        var export = _dir.Write("audit.ndjson", string.Join('\n', await ExportLinesAsync()) + "\n");

        var withKeysFile = await CliHarness.RunInProcessAsync(["audit", "verify", export, "--tenant-keys", TenantKeysFile()]);
        var withKeyFiles = await CliHarness.RunInProcessAsync(["audit", "verify", export, .. SigningKeyArgs()]);

        Assert.True(withKeysFile.ExitCode == 0, withKeysFile.ToString());
        Assert.Contains($"{fixture.LastSeq} events", withKeysFile.StandardOutput, StringComparison.Ordinal);
        Assert.True(withKeyFiles.ExitCode == 0, withKeyFiles.ToString());
    }

    [Theory]
    [InlineData("changed")]
    [InlineData("deleted")]
    [InlineData("swapped")]
    [InlineData("inserted")]
    [InlineData("truncated-after-checkpoint")]
    public async Task TamperedExport_FailsTheCli_AtTheRightSeq(string how)
    {
        var lines = await ExportLinesAsync();
        var eventLines = lines.Count(l => l.StartsWith("{\"type\":\"event\"", StringComparison.Ordinal));
        Assert.True(eventLines >= 6, $"only {eventLines} events");
        long expectedSeq;
        switch (how)
        {
            case "changed":
                // Seq 3 is an intent (attempted) since changes record intent and outcome: rewrite whatever it says.
                lines[3] = System.Text.RegularExpressions.Regex.Replace(lines[3], "\"outcome\":\"[a-z]+\"", "\"outcome\":\"denied\"");
                Assert.Contains("denied", lines[3], StringComparison.Ordinal);
                expectedSeq = 3;
                break;
            case "deleted":
                lines.RemoveAt(4);
                expectedSeq = 4;
                break;
            case "swapped":
                (lines[2], lines[3]) = (lines[3], lines[2]);
                expectedSeq = 2;
                break;
            case "inserted":
                lines.Insert(5, lines[2]);
                expectedSeq = 5;
                break;
            default:
                // Cut the last two events; the checkpoint over the tail is still there and names the cut.
                lines.RemoveRange(eventLines - 1, 2);
                expectedSeq = eventLines - 1;
                break;
        }

        var export = _dir.Write("tampered.ndjson", string.Join('\n', lines) + "\n");

        var result = await CliHarness.RunInProcessAsync(["audit", "verify", export, "--tenant-keys", TenantKeysFile()]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"chain broken at seq {expectedSeq}:", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    /// <summary>
    /// A key of a fresh tenant with <paramref name="scope"/>: tests that make the API refuse an audit read use one, since
    /// a refusal is audited and would lengthen the fixture tenant's chain, which the other tests compare with LastSeq.
    /// </summary>
    private async Task<string> OtherTenantKeyAsync(string scope)
    {
        var other = await fixture.Server.Sdk(null).CreateTenantAsync(fixture.Server.OperatorKey, "bystander", cancellationToken: Ct);
        return (await fixture.Server.Sdk(other.ApiKey).CreateApiKeyAsync(scope.Replace(':', '-'), [scope], cancellationToken: Ct)).ApiKey;
    }
}
