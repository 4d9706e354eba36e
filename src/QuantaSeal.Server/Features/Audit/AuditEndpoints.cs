using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Server.Audit;
using QuantaSeal.Server.Http;
using QuantaSeal.Server.Security;

namespace QuantaSeal.Server.Features.Audit;

/// <summary>
/// <c>/api/v2/audit</c>: the caller tenant's chain (scope <c>audit:read</c>; <c>admin</c> implies it). Reads go to the
/// audit store through the tenant's reader grain; they are not themselves audited (reading the log does not change it,
/// and an export must not grow while it is being taken).
/// </summary>
internal static class AuditEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;
    private const int ExportPage = 2000;
    private const int MaxFilterLength = 200;

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/audit")
            .WithTags("Audit")
            .RequireAuthorization(ScopePolicies.AuditRead)
            .AddEndpointFilter(CallerContext.StampTenantAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/events", ListEventsAsync).WithName("ListAuditEvents").WithAuditAction(AuditActions.AuditRead)
            .WithSummary("Events of the tenant's chain; filters from, to (RFC 3339), action, integration_id, outcome; cursor paging (limit ≤ 1000, order asc|desc).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/events/{eventId}", GetEventAsync).WithName("GetAuditEvent").WithAuditAction(AuditActions.AuditRead)
            .WithSummary("One event with its inclusion proof: the hash before it, the events after it up to the first signed checkpoint covering it, and that checkpoint.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/verify", VerifyAsync).WithName("VerifyAuditChain").WithAuditAction(AuditActions.AuditRead)
            .WithSummary("Walk the whole chain page by page: every hash, every checkpoint signature; names the first bad seq; dead_lettered_events and complete say whether acknowledged events are outside it.");
        group.MapGet("/checkpoints", ListCheckpointsAsync).WithName("ListAuditCheckpoints").WithAuditAction(AuditActions.AuditRead)
            .WithSummary("Signed checkpoints, oldest first (after_seq, limit).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/checkpoints/latest", LatestCheckpointAsync).WithName("GetLatestAuditCheckpoint")
            // "No checkpoint yet" (404) is an answer, not a refusal: only the scope check's 403 is audited here (the
            // metadata without the refusal filter), so a console or client polling for the first checkpoint adds no event.
            .WithMetadata(new AuditActionMetadata(AuditActions.AuditRead))
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/export", ExportAsync).WithName("ExportAuditChain").WithAuditAction(AuditActions.AuditRead)
            .WithSummary("NDJSON export (header with completeness, every event in seq order, every checkpoint) for the offline verifier: quantaseal audit verify.")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson");
        return app;
    }

    private static async Task<Results<Ok<AuditEventListResponse>, ProblemHttpResult>> ListEventsAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var q = http.Request.Query;
        ProblemHttpResult?[] problems =
        [
            ParseTime(q["from"], "from", out var from),
            ParseTime(q["to"], "to", out var to),
            ParseFilter(q["action"], "action", out var action),
            ParseFilter(q["integration_id"], "integration_id", out var integrationId),
            ParseFilter(q["outcome"], "outcome", out var outcome),
            ParseLimit(q["limit"], out var limit),
            ParseCursor(q["cursor"], "cursor", out var after),
            ParseOrder(q["order"], out var descending),
        ];
        var problem = problems.FirstOrDefault(p => p is not null);
        if (problem is not null)
        {
            return problem;
        }

        if (from is not null && to is not null && from >= to)
        {
            return Problems.Validation("to", "'to' must be later than 'from'.");
        }

        var page = await Reader(http, grains).QueryAsync(new AuditEventQuery(from, to, action, integrationId, outcome, after, descending, limit), cancellationToken);
        return TypedResults.Ok(new AuditEventListResponse(
            page.Items,
            page.NextAfterSeq?.ToString(CultureInfo.InvariantCulture)));
    }

    private static async Task<Results<Ok<AuditEventProofResponse>, ProblemHttpResult>> GetEventAsync(string eventId, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!IsEventId(eventId))
        {
            return Problems.NotFound("audit event");
        }

        var proof = await Reader(http, grains).GetWithProofAsync(eventId, cancellationToken);
        return proof is null
            ? Problems.NotFound("audit event")
            : TypedResults.Ok(new AuditEventProofResponse(
                proof.Event,
                new AuditProofDto(proof.PreviousHash, proof.Following, proof.Checkpoint)));
    }

    private static async Task<Ok<AuditVerifyResponse>> VerifyAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var r = await Reader(http, grains).VerifyAsync(cancellationToken);
        // Complete only when no acknowledged event of the tenant is outside the chain, nor might be (a dead letter whose
        // tenant is not known yet counts against every tenant).
        return TypedResults.Ok(new AuditVerifyResponse(
            r.Valid, r.FirstBadSeq, r.Problem, r.EventsChecked, r.CheckpointsChecked, r.LastSeq, r.LastHash,
            r.DeadLetteredEvents, r.DeadLetteredEvents == 0 && r.UnattributedDeadLetters == 0));
    }

    private static async Task<Results<Ok<AuditCheckpointListResponse>, ProblemHttpResult>> ListCheckpointsAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var q = http.Request.Query;
        var cursorProblem = ParseCursor(q["after_seq"], "after_seq", out var after);
        var limitProblem = ParseLimit(q["limit"], out var limit);
        var problem = cursorProblem ?? limitProblem;
        if (problem is not null)
        {
            return problem;
        }

        var items = await Reader(http, grains).ListCheckpointsAsync(after ?? 0, limit, cancellationToken);
        return TypedResults.Ok(new AuditCheckpointListResponse(
            items,
            items.Count == limit ? items[^1].Seq.ToString(CultureInfo.InvariantCulture) : null));
    }

    private static async Task<Results<Ok<AuditCheckpoint>, ProblemHttpResult>> LatestCheckpointAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var latest = await Reader(http, grains).GetLatestCheckpointAsync(cancellationToken);
        return latest is null ? Problems.NotFound("audit checkpoint") : TypedResults.Ok(latest);
    }

    /// <summary>
    /// Streams the export page by page up to a checkpoint signed when it started, so the export is one consistent,
    /// fully anchored prefix of the chain however fast the chain grows meanwhile. A failure after the first byte aborts the response
    /// (the client sees a broken transfer, never a short file that looks complete).
    /// </summary>
    private static async Task ExportAsync(HttpContext http, IGrainFactory grains, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var tenantId = CallerContext.From(http.User).TenantId;
        var reader = Reader(http, grains);
        // End the export at a checkpoint signed now, so a verifier can tell if its tail was cut. If signing is not
        // possible right now, export to the stored head anyway (the tail after the last checkpoint is then unanchored).
        var completeness = await reader.GetCompletenessAsync(cancellationToken);
        var storedHead = await reader.GetLastSeqAsync(cancellationToken);
        var checkpoint = await grains.GetGrain<IAuditChainGrain>(tenantId).CheckpointNowAsync(cancellationToken);
        var lastSeq = checkpoint is { } signedNow && signedNow.Seq >= storedHead ? signedNow.Seq : await reader.GetLastSeqAsync(cancellationToken);
        http.Response.ContentType = "application/x-ndjson; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{tenantId}.ndjson\"";
        http.Response.Headers.CacheControl = "no-store";
        try
        {
            await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 64 * 1024) { NewLine = "\n" };
            await writer.WriteLineAsync(AuditExport.HeaderLine(
                tenantId, timeProvider.GetUtcNow(), new AuditExportCompleteness(completeness.DeadLetteredEvents, completeness.UnattributedDeadLetters)));
            for (var from = 1L; from <= lastSeq;)
            {
                var page = await reader.ReadRangeAsync(from, lastSeq, ExportPage, cancellationToken);
                if (page.Count == 0)
                {
                    break;
                }

                foreach (var e in page)
                {
                    await writer.WriteLineAsync(AuditExport.EventLine(e));
                }

                from = page[^1].Seq + 1;
                await writer.FlushAsync(cancellationToken);
            }

            for (var after = 0L; ;)
            {
                var page = await reader.ListCheckpointsAsync(after, ExportPage, cancellationToken);
                foreach (var c in page.Where(c => c.Seq <= lastSeq))
                {
                    await writer.WriteLineAsync(AuditExport.CheckpointLine(c));
                }

                if (page.Count < ExportPage || page[^1].Seq >= lastSeq)
                {
                    break;
                }

                after = page[^1].Seq;
            }

            await writer.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is AuditStoreUnavailableException or OrleansException or TimeoutException)
        {
            if (!http.Response.HasStarted)
            {
                throw;
            }

            http.Abort();
        }
    }

    private static IAuditReaderGrain Reader(HttpContext http, IGrainFactory grains) =>
        grains.GetGrain<IAuditReaderGrain>(CallerContext.From(http.User).TenantId);

    private static bool IsEventId(string value) =>
        value.Length == 30 && value.StartsWith("aud_", StringComparison.Ordinal) && Ulid.TryParse(value.AsSpan(4), out _);

    private static ProblemHttpResult? ParseTime(Microsoft.Extensions.Primitives.StringValues raw, string field, out DateTimeOffset? value)
    {
        value = null;
        if (raw.Count == 0)
        {
            return null;
        }

        if (raw.Count > 1 || !DateTimeOffset.TryParse(raw[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return Problems.Validation(field, $"'{field}' must be one RFC 3339 timestamp, e.g. 2026-11-29T16:00:00Z.");
        }

        value = parsed;
        return null;
    }

    private static ProblemHttpResult? ParseFilter(Microsoft.Extensions.Primitives.StringValues raw, string field, out string? value)
    {
        value = null;
        if (raw.Count == 0)
        {
            return null;
        }

        if (raw.Count > 1 || string.IsNullOrEmpty(raw[0]) || raw[0]!.Length > MaxFilterLength)
        {
            return Problems.Validation(field, $"'{field}' must be one non-empty value of at most {MaxFilterLength} characters.");
        }

        value = raw[0];
        return null;
    }

    private static ProblemHttpResult? ParseLimit(Microsoft.Extensions.Primitives.StringValues raw, out int limit)
    {
        limit = DefaultLimit;
        if (raw.Count == 0)
        {
            return null;
        }

        if (raw.Count > 1 || !int.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit)
        {
            return Problems.Validation("limit", $"'limit' must be a whole number from 1 to {MaxLimit}.");
        }

        return null;
    }

    private static ProblemHttpResult? ParseCursor(Microsoft.Extensions.Primitives.StringValues raw, string field, out long? after)
    {
        after = null;
        if (raw.Count == 0)
        {
            return null;
        }

        if (raw.Count > 1 || !long.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 0)
        {
            return Problems.Validation(field, $"'{field}' must be a value returned by this API (a non-negative seq).");
        }

        after = parsed;
        return null;
    }

    private static ProblemHttpResult? ParseOrder(Microsoft.Extensions.Primitives.StringValues raw, out bool descending)
    {
        descending = false;
        if (raw.Count == 0)
        {
            return null;
        }

        switch (raw.Count == 1 ? raw[0] : null)
        {
            case "asc":
                return null;
            case "desc":
                descending = true;
                return null;
            default:
                return Problems.Validation("order", "'order' must be 'asc' or 'desc'.");
        }
    }
}
