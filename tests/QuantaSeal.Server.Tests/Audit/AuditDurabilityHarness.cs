using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using QuantaSeal.Client;
using QuantaSeal.Client.Audit;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Server.Tests.Infrastructure;

namespace QuantaSeal.Server.Tests.Audit;

/// <summary>
/// What the process-level audit tests share: the server's PostgreSQL command line, one audited call (the envelope echo)
/// classified by what the caller saw, and reading plus checking a tenant's whole chain (API list, server-side verify,
/// offline verification of the export with the tenant's published signing keys).
/// </summary>
internal static class AuditDurabilityHarness
{
    public const string EchoPath = "api/v2/tenant/envelopes/echo";

    /// <summary>
    /// The command line of a PostgreSQL server process with everything a restart must reuse pinned: key files in
    /// <paramref name="dir"/>, the silo and gateway ports, and the cluster id.
    /// </summary>
    public static List<string> PostgresArgs(string connectionString, string dir, params string[] extra)
    {
        var args = new List<string>
        {
            "--storage", "postgres",
            "--connection-string", connectionString,
            "--role", "all",
            "--operator-key-file", Path.Combine(dir, "operator.key"),
            "--master-key-file", Path.Combine(dir, "master.key"),
            "--silo-port", ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "--QuantaSeal:ClusterId=" + Path.GetFileName(dir),
        };
        args.AddRange(extra);
        return args;
    }

    public static async Task<string> OperatorKeyAsync(string dir, CancellationToken cancellationToken) =>
        (await File.ReadAllTextAsync(Path.Combine(dir, "operator.key"), cancellationToken)).Trim();

    /// <summary>One echo; never throws for a transport failure (that is <see cref="CallResult.NoAnswer"/>).</summary>
    public static async Task<CallResult> EchoAsync(HttpClient http, string apiKey, int n, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, EchoPath)
        {
            Content = new StringContent("{\"payload\":{\"n\":" + n.ToString(CultureInfo.InvariantCulture) + "}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-API-Key", apiKey);
        return await SendAsync(http, request, cancellationToken);
    }

    /// <summary>Sends <paramref name="request"/> and classifies the answer; a transport failure is <see cref="CallResult.NoAnswer"/>.</summary>
    public static async Task<CallResult> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonElement? body = null;
            try
            {
                body = text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                // Kept as text only.
            }

            return new CallResult(response.StatusCode, text, body, response.Headers.RetryAfter?.Delta, Stopwatch.GetElapsedTime(started), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // ConnectionError: nothing reached the server (refused connect). Anything else (reset, response ended) may
            // have been received and acted on.
            var kind = ex is HttpRequestException { HttpRequestError: var error } ? error.ToString() : ex.GetType().Name;
            return new CallResult(null, string.Empty, null, null, Stopwatch.GetElapsedTime(started), kind);
        }
    }

    /// <summary>Every event of the tenant, oldest first, page by page through <c>GET /api/v2/audit/events</c>.</summary>
    public static async Task<List<AuditRecord>> ReadChainAsync(QuantaSealClient admin, CancellationToken cancellationToken)
    {
        var events = new List<AuditRecord>();
        await foreach (var e in admin.EnumerateAuditEventsAsync(new AuditEventQuery(Limit: 1000), cancellationToken))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>
    /// Polls until <paramref name="done"/> holds for the chain or <paramref name="timeout"/> passes; returns the last
    /// read and how many reads were answered 503 on the way (counted and retried: a poll runs while the server recovers).
    /// </summary>
    public static async Task<ChainWait> WaitForChainAsync(
        QuantaSealClient admin, Func<List<AuditRecord>, Task<bool>> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var unavailable = new List<string>();
        List<AuditRecord> events = [];
        while (true)
        {
            try
            {
                events = await ReadChainAsync(admin, cancellationToken);
                if (await done(events))
                {
                    return new ChainWait(events, true, Stopwatch.GetElapsedTime(started), unavailable);
                }
            }
            catch (QuantaSealApiException ex) when (ex.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                unavailable.Add(ex.Message);
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                return new ChainWait(events, false, Stopwatch.GetElapsedTime(started), unavailable);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>
    /// The chain has no gap and no repeat: seqs are exactly 1..N in order and every event id occurs once.
    /// </summary>
    public static void AssertGaplessAndUnique(IReadOnlyList<AuditRecord> chain)
    {
        for (var i = 0; i < chain.Count; i++)
        {
            Assert.True(chain[i].Seq == i + 1, $"Position {i} holds seq {chain[i].Seq}, expected {i + 1} (gap or repeated seq).");
        }

        var repeated = chain.GroupBy(e => e.EventId, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"Event ids chained more than once: {string.Join(", ", repeated.Take(10))}");
    }

    /// <summary>
    /// The server's own walk of the chain and an offline one of its NDJSON export, with only the signing public keys
    /// the tenant publishes: both valid, both ending at the last event of <paramref name="chain"/>.
    /// </summary>
    /// <returns>The server verification and the number of checkpoints in the export.</returns>
    public static async Task<(AuditChainVerification Server, AuditVerification Offline)> AssertChainVerifiesAsync(
        QuantaSealClient admin, string tenantId, IReadOnlyList<AuditRecord> chain, CancellationToken cancellationToken)
    {
        var server = await admin.VerifyAuditChainAsync(cancellationToken);
        Assert.True(server.Valid, $"GET /api/v2/audit/verify: invalid at seq {server.FirstBadSeq}: {server.Problem}");
        Assert.Equal(chain.Count, server.EventsChecked);
        Assert.Equal(chain[^1].Seq, server.LastSeq);
        Assert.Equal(chain[^1].Hash, server.LastHash);

        using var export = new MemoryStream();
        await admin.ExportAuditAsync(export, cancellationToken);
        export.Position = 0;
        using var reader = new StreamReader(export, Encoding.UTF8);
        var (exportedTenant, events, checkpoints) = AuditExport.Read(reader);
        var keys = await admin.GetKeysAsync(cancellationToken);
        var offline = AuditChainVerifier.Verify(tenantId, events, checkpoints, keys.SigningPublicKeysById());

        Assert.Equal(tenantId, exportedTenant);
        Assert.True(offline.Valid, $"Offline verification of the export: invalid at seq {offline.FirstBadSeq}: {offline.Problem}");
        Assert.Equal(chain.Select(e => e.EventId), events.Select(e => e.EventId));
        Assert.Equal(chain[^1].Hash, offline.LastHashHex);
        return (server, offline);
    }

    public static void Report(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage(line);
    }

    /// <summary>The outcome of <see cref="WaitForChainAsync"/>.</summary>
    internal sealed record ChainWait(List<AuditRecord> Events, bool Done, TimeSpan Waited, IReadOnlyList<string> Unavailable);

    /// <summary>What a caller saw of one call: a status and body, or no answer at all.</summary>
    internal sealed record CallResult(HttpStatusCode? Status, string Text, JsonElement? Body, TimeSpan? RetryAfter, TimeSpan Elapsed, string? Failure)
    {
        public bool Answered => Status is not null;

        public bool Succeeded => Status is { } s && (int)s is >= 200 and < 300;

        /// <summary>The <c>audit_event_id</c> of the body (the echo's envelope, a proxy answer), if any.</summary>
        public string? AuditEventId =>
            Body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("audit_event_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

        public string? ProblemType =>
            Body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

        public bool Has(string property) => Body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty(property, out _);

        public override string ToString() =>
            Status is { } s ? $"{(int)s} in {Elapsed.TotalMilliseconds:F0} ms: {Text}" : $"no answer ({Failure}) after {Elapsed.TotalMilliseconds:F0} ms";
    }
}
