using System.Text.Json;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Server.Tests.Infrastructure;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.Server.Tests.Audit;

/// <summary>
/// Reads a tenant's audit events and isolates the ones a single request produced. Events may arrive
/// asynchronously, so reads poll against a deadline, and "exactly one" also waits out a quiet window in which no
/// further event may arrive.
/// </summary>
public sealed class AuditTrail(QuantaSealServer server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// All events of the tenant, oldest first, through <c>GET /api/v2/audit/events</c> (page by page).
    /// <paramref name="apiKey"/> is a key of that tenant with audit:read or admin; reading the chain is not audited.
    /// </summary>
    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(string tenantId, string apiKey, CancellationToken cancellationToken)
    {
        var events = new List<AuditRecord>();
        using var http = server.Http();
        string? cursor = null;
        do
        {
            var path = "/api/v2/audit/events?order=asc&limit=1000" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor));
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-API-Key", apiKey);
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
            using var page = JsonDocument.Parse(text);
            events.AddRange(page.RootElement.GetProperty("items").Deserialize<List<AuditRecord>>()!);

            cursor = String(page.RootElement, "next_cursor");
        }
        while (cursor is not null);

        Assert.All(events, e => Assert.Equal(tenantId, e.TenantId));
        return events;
    }

    /// <summary>The tenant's events once at least <paramref name="atLeast"/> are there and no more arrive in the quiet window.</summary>
    public async Task<IReadOnlyList<AuditRecord>> SettledAsync(string tenantId, string apiKey, int atLeast, CancellationToken cancellationToken)
    {
        var events = await WaitForCountAsync(tenantId, apiKey, atLeast, cancellationToken);
        return await QuietAsync(tenantId, apiKey, events, cancellationToken);
    }

    /// <summary>
    /// The one event that arrived since <paramref name="before"/>; fails when none arrives before the deadline or
    /// when a second one arrives.
    /// </summary>
    public async Task<AuditRecord> SingleNewAsync(string tenantId, string apiKey, IReadOnlyList<AuditRecord> before, CancellationToken cancellationToken)
    {
        await WaitForCountAsync(tenantId, apiKey, before.Count + 1, cancellationToken);
        var added = await NewSinceAsync(tenantId, apiKey, before, cancellationToken);
        return Assert.Single(added);
    }

    /// <summary>The events that arrived since <paramref name="before"/>, after the quiet window.</summary>
    public async Task<IReadOnlyList<AuditRecord>> NewSinceAsync(string tenantId, string apiKey, IReadOnlyList<AuditRecord> before, CancellationToken cancellationToken)
    {
        var settled = await QuietAsync(tenantId, apiKey, await ReadAsync(tenantId, apiKey, cancellationToken), cancellationToken);
        var seen = before.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        return [.. settled.Where(e => !seen.Contains(e.EventId))];
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task<IReadOnlyList<AuditRecord>> WaitForCountAsync(string tenantId, string apiKey, int count, CancellationToken cancellationToken)
    {
        IReadOnlyList<AuditRecord> events = [];
        await WaitUntil.TrueAsync(
            async () => (events = await ReadAsync(tenantId, apiKey, cancellationToken)).Count >= count,
            Deadline,
            () => $"at least {count} audit events for {tenantId}, saw {events.Count}: {string.Join(", ", events.Select(e => e.Action + "/" + e.Outcome))}",
            cancellationToken,
            PollInterval);
        return events;
    }

    /// <summary>Polls until the count has not changed for <see cref="QuietWindow"/>.</summary>
    private async Task<IReadOnlyList<AuditRecord>> QuietAsync(string tenantId, string apiKey, IReadOnlyList<AuditRecord> current, CancellationToken cancellationToken)
    {
        var stableSince = DateTimeOffset.UtcNow;
        var deadline = stableSince + Deadline;
        while (DateTimeOffset.UtcNow - stableSince < QuietWindow)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"Audit events for {tenantId} kept arriving for {Deadline}.");
            await Task.Delay(PollInterval, cancellationToken);
            var next = await ReadAsync(tenantId, apiKey, cancellationToken);
            if (next.Count != current.Count)
            {
                current = next;
                stableSince = DateTimeOffset.UtcNow;
            }
        }

        return current;
    }
}
