using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using QuantaSeal.Client.Audit;
using QuantaSeal.Crypto.Audit;

namespace QuantaSeal.Client;

/// <summary>The audit chain (<c>/api/v2/audit</c>, API key scope <c>audit:read</c> or <c>admin</c>).</summary>
public sealed partial class QuantaSealClient
{
    private const string AuditPath = "api/v2/audit/";

    /// <summary>One page of the tenant's audit events (<c>GET /api/v2/audit/events</c>).</summary>
    /// <param name="query">Filters and paging; null for the first page of everything, oldest first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<AuditEventPage> ListAuditEventsAsync(AuditEventQuery? query = null, CancellationToken cancellationToken = default) =>
        SendAsync<AuditEventPage>(HttpMethod.Get, AuditPath + "events" + AuditEventsQueryString(query ?? new AuditEventQuery()), null, null, cancellationToken);

    /// <summary>
    /// Every audit event matching <paramref name="query"/>, following <c>next_cursor</c> page by page as they are
    /// enumerated (one request per page; <see cref="AuditEventQuery.Limit"/> sets the page size).
    /// </summary>
    /// <param name="query">Filters; its <see cref="AuditEventQuery.Cursor"/>, if set, is where to start.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public async IAsyncEnumerable<AuditRecord> EnumerateAuditEventsAsync(AuditEventQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = query ?? new AuditEventQuery();
        while (true)
        {
            var page = await ListAuditEventsAsync(next, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            // A server handing back the cursor it was given would loop forever; stop instead.
            if (page.NextCursor is null || string.Equals(page.NextCursor, next.Cursor, StringComparison.Ordinal))
            {
                yield break;
            }

            next = next with { Cursor = page.NextCursor };
        }
    }

    /// <summary>
    /// One event with its inclusion proof (<c>GET /api/v2/audit/events/{id}</c>). Check it with
    /// <see cref="AuditEventWithProof.VerifyProof"/> and the keys of <see cref="GetKeysAsync"/>.
    /// </summary>
    /// <exception cref="QuantaSealApiException">404 when the tenant has no such event.</exception>
    public Task<AuditEventWithProof> GetAuditEventAsync(string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        return SendAsync<AuditEventWithProof>(HttpMethod.Get, AuditPath + "events/" + Uri.EscapeDataString(eventId), null, null, cancellationToken);
    }

    /// <summary>Asks the server to walk the whole chain (<c>GET /api/v2/audit/verify</c>).</summary>
    public Task<AuditChainVerification> VerifyAuditChainAsync(CancellationToken cancellationToken = default) =>
        SendAsync<AuditChainVerification>(HttpMethod.Get, AuditPath + "verify", null, null, cancellationToken);

    /// <summary>One page of signed checkpoints, oldest first (<c>GET /api/v2/audit/checkpoints</c>).</summary>
    /// <param name="afterSeq">Only checkpoints after this seq (a previous page's <see cref="AuditCheckpointPage.NextCursor"/>).</param>
    /// <param name="limit">Page size, 1 to 1000.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<AuditCheckpointPage> ListAuditCheckpointsAsync(long? afterSeq = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder();
        AppendQuery(query, "after_seq", afterSeq?.ToString(CultureInfo.InvariantCulture));
        AppendQuery(query, "limit", limit?.ToString(CultureInfo.InvariantCulture));
        return SendAsync<AuditCheckpointPage>(HttpMethod.Get, AuditPath + "checkpoints" + query, null, null, cancellationToken);
    }

    /// <summary>The latest signed checkpoint, or null when none has been made yet (<c>GET /api/v2/audit/checkpoints/latest</c>).</summary>
    public async Task<AuditCheckpoint?> GetLatestAuditCheckpointAsync(CancellationToken cancellationToken = default)
    {
        using var request = AuditRequest(AuditPath + "checkpoints/latest");
        using var response = await httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }

        return await response.Content.ReadFromJsonAsync<AuditCheckpoint>(JsonOptions, cancellationToken).ConfigureAwait(false)
            ?? throw new QuantaSealApiException("The server answered with an empty body.");
    }

    /// <summary>
    /// Streams the NDJSON export (<c>GET /api/v2/audit/export</c>: header, every event in seq order, every checkpoint)
    /// into <paramref name="destination"/> as it arrives, without holding it in memory. Verify it offline with
    /// <c>quantaseal audit verify</c> or <see cref="AuditExport"/> + <see cref="AuditChainVerifier"/>.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="QuantaSealApiException">The server refused the export.</exception>
    /// <exception cref="HttpRequestException">The transfer broke off; what was written is incomplete and must not be trusted as a whole export.</exception>
    public async Task<long> ExportAuditAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var request = AuditRequest(AuditPath + "export");
        using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }

        var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                total += read;
            }

            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            return total;
        }
    }

    internal static string AuditEventsQueryString(AuditEventQuery query)
    {
        var sb = new StringBuilder();
        AppendQuery(sb, "from", query.From is { } from ? AuditCanonicalJson.FormatTimestamp(from) : null);
        AppendQuery(sb, "to", query.To is { } to ? AuditCanonicalJson.FormatTimestamp(to) : null);
        AppendQuery(sb, "action", query.Action);
        AppendQuery(sb, "integration_id", query.IntegrationId);
        AppendQuery(sb, "outcome", query.Outcome);
        AppendQuery(sb, "limit", query.Limit?.ToString(CultureInfo.InvariantCulture));
        AppendQuery(sb, "cursor", query.Cursor);
        AppendQuery(sb, "order", query.Descending ? "desc" : null);
        return sb.ToString();
    }

    private static void AppendQuery(StringBuilder sb, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        sb.Append(sb.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }

    private HttpRequestMessage AuditRequest(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (apiKey is not null)
        {
            request.Headers.Add(ApiKeyHeader, apiKey);
        }

        return request;
    }
}
