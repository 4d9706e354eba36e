using System.Net;
using System.Text;
using System.Text.Json;
using QuantaSeal.Client.Audit;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Client.Tests.Audit;

public sealed class AuditClientTests : IDisposable
{
    private readonly AuditJson _chain = new(12, 5, 10);

    public void Dispose() => _chain.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListAuditEvents_SendsTheFiltersAsQuery_AndParsesEveryMember()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json($$"""{"items":[{{AuditJson.Event(_chain.Records[0])}},{{AuditJson.Event(_chain.Records[1])}}],"next_cursor":"2"}"""));
        var query = new AuditEventQuery(
            From: new DateTimeOffset(2026, 11, 29, 17, 0, 0, TimeSpan.FromHours(1)), To: AuditJson.T0.AddDays(1), Action: "proxy.outbound",
            IntegrationId: "int_a b", Outcome: "denied", Limit: 50, Cursor: "17", Descending: true);

        var page = await handler.Client().ListAuditEventsAsync(query, Ct);

        var (path, apiKey) = Assert.Single(handler.Requests);
        Assert.Equal(
            "/api/v2/audit/events?from=2026-11-29T16%3A00%3A00.000Z&to=2026-11-30T16%3A41%3A02.123Z&action=proxy.outbound&integration_id=int_a%20b&outcome=denied&limit=50&cursor=17&order=desc",
            path);
        Assert.Equal("qs_test_audit", apiKey);
        Assert.Equal("2", page.NextCursor);
        Assert.Equal(2, page.Items.Count);
        var first = page.Items[0];
        Assert.Equal(_chain.Records[0], first);
        Assert.Equal(AuditJson.T0.AddSeconds(1), first.Timestamp);
        Assert.Equal(200, first.UpstreamStatus);
        Assert.Null(first.RequestSha256);
        var second = page.Items[1];
        Assert.Null(second.IntegrationId);
        Assert.Null(second.UpstreamStatus);
        Assert.Equal("cred_x", second.ObjectId);
        Assert.Equal(_chain.Records[1], second);
    }

    [Fact]
    public async Task ListAuditEvents_WithoutQuery_SendsNoQueryString()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json("""{"items":[],"next_cursor":null}"""));

        var page = await handler.Client().ListAuditEventsAsync(cancellationToken: Ct);

        Assert.Equal("/api/v2/audit/events", Assert.Single(handler.Requests).PathAndQuery);
        Assert.Empty(page.Items);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task EnumerateAuditEvents_FollowsNextCursor_UntilTheLastPage()
    {
        var handler = new FakeHttpHandler(request =>
        {
            var query = request.RequestUri!.Query;
            var after = query.Contains("cursor=", StringComparison.Ordinal) ? int.Parse(query[(query.IndexOf("cursor=", StringComparison.Ordinal) + 7)..].Split('&')[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
            var items = _chain.Records.Skip(after).Take(5).ToList();
            var next = after + items.Count < _chain.Records.Count ? $"\"{after + items.Count}\"" : "null";
            return FakeHttpHandler.Json($$"""{"items":[{{string.Join(',', items.Select(AuditJson.Event))}}],"next_cursor":{{next}}}""");
        });

        var events = await handler.Client().EnumerateAuditEventsAsync(new AuditEventQuery(Action: "proxy.outbound", Limit: 5), Ct).ToListAsync(Ct);

        Assert.Equal(_chain.Records, events);
        Assert.Equal(
            ["/api/v2/audit/events?action=proxy.outbound&limit=5", "/api/v2/audit/events?action=proxy.outbound&limit=5&cursor=5", "/api/v2/audit/events?action=proxy.outbound&limit=5&cursor=10"],
            handler.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task EnumerateAuditEvents_StopsWhenTheServerRepeatsTheCursor()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json($$"""{"items":[{{AuditJson.Event(_chain.Records[0])}}],"next_cursor":"1"}"""));

        var events = await handler.Client().EnumerateAuditEventsAsync(cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(2, events.Count);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task GetAuditEvent_ParsesTheProof_ThatVerifiesWithTheTenantKey(long seq)
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json(_chain.EventWithProof(seq)));

        var answer = await handler.Client().GetAuditEventAsync(_chain.Records[(int)seq - 1].EventId, Ct);

        Assert.Equal($"/api/v2/audit/events/{_chain.Records[(int)seq - 1].EventId}", Assert.Single(handler.Requests).PathAndQuery);
        Assert.Equal(seq, answer.Event.Seq);
        Assert.NotNull(answer.Proof.Checkpoint);
        Assert.Equal(answer.Proof.Checkpoint.Seq - seq, answer.Proof.Following.Count);
        var result = answer.VerifyProof(_chain.Keys);
        Assert.True(result.Valid, result.Problem);
    }

    [Fact]
    public void VerifyProof_RejectsAChangedEvent()
    {
        var json = _chain.EventWithProof(3).Replace("\"outcome\":\"success\"", "\"outcome\":\"denied\"", StringComparison.Ordinal);

        var result = AuditEventWithProof.Parse(json).VerifyProof(_chain.Keys);

        Assert.False(result.Valid);
        Assert.Contains("seq 3 does not match its hash", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyProof_RejectsAnotherTenantsKey()
    {
        using var other = new AuditJson(1, 1);

        var result = AuditEventWithProof.Parse(_chain.EventWithProof(3)).VerifyProof(other.Keys);

        Assert.False(result.Valid);
        Assert.Contains("signature does not verify", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyProof_WithoutACheckpointYet_IsNotValid()
    {
        var answer = AuditEventWithProof.Parse(_chain.EventWithProof(11));

        var result = answer.VerifyProof(_chain.Keys);

        Assert.Null(answer.Proof.Checkpoint);
        Assert.False(result.Valid);
        Assert.Contains("no signed checkpoint covers this event yet", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyProof_OnAnIncompleteDocument_FailsWithoutThrowing()
    {
        var answer = AuditEventWithProof.Parse("""{"event":{"seq":1},"proof":{"previous_hash":null}}""");

        Assert.False(answer.VerifyProof(_chain.Keys).Valid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"event":null,"proof":null}""")]
    [InlineData("not json")]
    public void Parse_RejectsWhatIsNotAnEventWithProof(string json)
    {
        Assert.ThrowsAny<JsonException>(() => AuditEventWithProof.Parse(json));
    }

    [Fact]
    public async Task VerifyAuditChain_ParsesTheReport()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json(
            """{"valid":false,"first_bad_seq":7,"problem":"seq 7 does not match its hash","events_checked":6,"checkpoints_checked":0,"last_seq":6,"last_hash":"ab"}"""));

        var report = await handler.Client().VerifyAuditChainAsync(Ct);

        Assert.Equal("/api/v2/audit/verify", Assert.Single(handler.Requests).PathAndQuery);
        Assert.Equal(new AuditChainVerification(false, 7, "seq 7 does not match its hash", 6, 0, 6, "ab"), report);
    }

    [Fact]
    public async Task ListAuditCheckpoints_SendsPaging_AndDecodesTheSignature()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json($$"""{"items":[{{string.Join(',', _chain.Checkpoints.Select(AuditJson.Checkpoint))}}],"next_cursor":"10"}"""));

        var page = await handler.Client().ListAuditCheckpointsAsync(afterSeq: 0, limit: 2, Ct);

        Assert.Equal("/api/v2/audit/checkpoints?after_seq=0&limit=2", Assert.Single(handler.Requests).PathAndQuery);
        Assert.Equal("10", page.NextCursor);
        Assert.Equal(2, page.Items.Count);
        var checkpoint = page.Items[1];
        Assert.Equal(_chain.Checkpoints[1].Signature, checkpoint.Signature);
        Assert.Equal(_chain.Checkpoints[1] with { Signature = checkpoint.Signature }, checkpoint);
        Assert.True(page.Items[1].VerifySignature(_chain.Keys));
        Assert.False((page.Items[1] with { Seq = 9 }).VerifySignature(_chain.Keys));
        Assert.False(page.Items[1].VerifySignature(new Dictionary<string, byte[]>()));
    }

    [Fact]
    public async Task GetLatestAuditCheckpoint_ReturnsTheCheckpoint()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json(AuditJson.Checkpoint(_chain.Checkpoints[^1])));

        var latest = await handler.Client().GetLatestAuditCheckpointAsync(Ct);

        Assert.Equal("/api/v2/audit/checkpoints/latest", Assert.Single(handler.Requests).PathAndQuery);
        Assert.NotNull(latest);
        Assert.Equal(10, latest.Seq);
        Assert.True(latest.VerifySignature(_chain.Keys));
    }

    [Fact]
    public async Task GetLatestAuditCheckpoint_IsNull_WhenThereIsNoneYet()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json("""{"type":"https://quantaseal.dev/problems/not-found","title":"Not found","status":404}""", HttpStatusCode.NotFound));

        Assert.Null(await handler.Client().GetLatestAuditCheckpointAsync(Ct));
    }

    [Fact]
    public async Task AuditCalls_SurfaceProblems_AsApiExceptions()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json(
            """{"type":"https://quantaseal.dev/problems/forbidden","title":"Forbidden","status":403,"detail":"The API key lacks scope audit:read."}""", HttpStatusCode.Forbidden));
        var client = handler.Client();

        var ex = await Assert.ThrowsAsync<QuantaSealApiException>(() => client.GetLatestAuditCheckpointAsync(Ct));
        await Assert.ThrowsAsync<QuantaSealApiException>(() => client.ExportAuditAsync(Stream.Null, Ct));
        await Assert.ThrowsAsync<QuantaSealApiException>(() => client.GetAuditEventAsync("aud_x", Ct));

        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal("https://quantaseal.dev/problems/forbidden", ex.ProblemType);
    }

    [Fact]
    public async Task ExportAudit_CopiesTheBytesUnchanged_AndTheyVerify()
    {
        var export = _chain.Export();
        var handler = new FakeHttpHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(export, Encoding.UTF8, "application/x-ndjson") });
        using var destination = new MemoryStream();

        var written = await handler.Client().ExportAuditAsync(destination, Ct);

        Assert.Equal("/api/v2/audit/export", Assert.Single(handler.Requests).PathAndQuery);
        Assert.Equal(Encoding.UTF8.GetBytes(export), destination.ToArray());
        Assert.Equal(destination.Length, written);
        var (tenant, events, checkpoints) = AuditExport.Read(new StringReader(Encoding.UTF8.GetString(destination.ToArray())));
        Assert.True(AuditChainVerifier.Verify(tenant, events, checkpoints, _chain.Keys).Valid);
    }

    [Fact]
    public async Task ExportAudit_WritesTheFirstBytes_BeforeTheServerHasSentTheRest()
    {
        // The server sends its first chunk, then waits until the destination has received it. A client that buffered
        // the whole answer before writing would never see that first write, and the gate would time out.
        var firstWrite = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var body = new GatedStream("first-chunk\n"u8.ToArray(), "rest\n"u8.ToArray(), firstWrite.Task);
        var handler = new FakeHttpHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) });
        using var destination = new SignallingStream(firstWrite);

        await handler.Client().ExportAuditAsync(destination, Ct);

        Assert.Equal("first-chunk\nrest\n", Encoding.UTF8.GetString(destination.ToArray()));
    }

    private sealed class GatedStream(byte[] first, byte[] rest, Task gate) : Stream
    {
        private int _stage;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            switch (_stage++)
            {
                case 0:
                    first.CopyTo(buffer);
                    return first.Length;
                case 1:
                    await gate.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                    rest.CopyTo(buffer);
                    return rest.Length;
                default:
                    return 0;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class SignallingStream(TaskCompletionSource firstWrite) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var task = base.WriteAsync(buffer, cancellationToken);
            firstWrite.TrySetResult();
            return task;
        }
    }
}
