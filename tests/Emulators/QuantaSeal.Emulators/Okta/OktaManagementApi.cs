using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace QuantaSeal.Emulators.Okta;

/// <summary>
/// The management API operations: listUsers, createUser, getUser, deactivateUser, listGroups, listApplications,
/// listLogEvents. Lists page by an <c>after</c> cursor (the last item's id) and announce the next page in a
/// <c>Link: &lt;...&gt;; rel="next"</c> header next to <c>rel="self"</c>, as Okta does.
/// </summary>
internal sealed class OktaManagementApi(OktaEmulator emulator, OktaAuthServer auth, OktaDirectory directory, TimeProvider timeProvider)
{
    public OktaDirectory Directory { get; } = directory;

    public async Task ListUsersAsync(HttpContext context)
    {
        if (await auth.AuthorizeAsync(context, "/api/v1/users", "okta.users.read").ConfigureAwait(false) is null)
        {
            return;
        }

        var query = context.Request.Query;
        IEnumerable<JsonObject> users = Directory.Users;
        string? search = query["search"], filter = query["filter"], q = query["q"];
        if (search is null && filter is null)
        {
            // Okta omits DEPROVISIONED users unless a search or filter asks for them.
            users = users.Where(u => (string?)u["status"] != "DEPROVISIONED");
        }

        if (!TryApply(ref users, search) || !TryApply(ref users, filter))
        {
            await OktaErrors.ApiAsync(context, 400, "E0000031", "Invalid search criteria.").ConfigureAwait(false);
            return;
        }

        if (q is not null)
        {
            users = users.Where(u => new[] { "firstName", "lastName", "email" }.Any(f => ((string?)u["profile"]?[f])?.StartsWith(q, StringComparison.OrdinalIgnoreCase) == true));
        }

        if (search is not null && query["sortBy"].ToString() is { Length: > 0 } sortBy)
        {
            var descending = string.Equals(query["sortOrder"], "desc", StringComparison.OrdinalIgnoreCase);
            users = descending
                ? users.OrderByDescending(u => SortKey(u, sortBy), StringComparer.Ordinal).ThenByDescending(u => (string?)u["id"], StringComparer.Ordinal)
                : users.OrderBy(u => SortKey(u, sortBy), StringComparer.Ordinal).ThenBy(u => (string?)u["id"], StringComparer.Ordinal);
            await PageAsync(context, "/api/v1/users", [.. users], q is null ? 200 : 10, 200, "id", ordered: true, pageable: q is null).ConfigureAwait(false);
            return;
        }

        await PageAsync(context, "/api/v1/users", [.. users], q is null ? 200 : 10, 200, "id", ordered: false, pageable: q is null).ConfigureAwait(false);
    }

    public async Task GetUserAsync(HttpContext context)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        if (await auth.AuthorizeAsync(context, "/api/v1/users/" + Uri.EscapeDataString(id), "okta.users.read").ConfigureAwait(false) is null)
        {
            return;
        }

        var user = Directory.FindUser(id);
        if (user is null)
        {
            await OktaErrors.ApiAsync(context, 404, "E0000007", $"Not found: Resource not found: {id} (User)").ConfigureAwait(false);
            return;
        }

        context.Response.Headers.ETag = "W/\"" + Convert.ToHexString(BitConverter.GetBytes(user.ToJsonString().GetHashCode(StringComparison.Ordinal))) + "\"";
        await OktaErrors.JsonAsync(context, 200, user).ConfigureAwait(false);
    }

    public async Task CreateUserAsync(HttpContext context)
    {
        if (await auth.AuthorizeAsync(context, "/api/v1/users", "okta.users.manage").ConfigureAwait(false) is null)
        {
            return;
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            await OktaErrors.ApiAsync(context, 400, "E0000003", "The request body was not well-formed.").ConfigureAwait(false);
            return;
        }

        var profile = body["profile"] as JsonObject;
        var missing = new[] { "login", "email", "firstName", "lastName" }
            .Where(f => profile?[f] is not JsonValue v || v.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetValue<string>()))
            .Select(f => $"{f}: The field cannot be left blank")
            .ToArray();
        if (missing.Length > 0)
        {
            await OktaErrors.ApiAsync(context, 400, "E0000001", "Api validation failed: " + missing[0].Split(':')[0], missing).ConfigureAwait(false);
            return;
        }

        var activate = !string.Equals(context.Request.Query["activate"], "false", StringComparison.OrdinalIgnoreCase);
        var hasPassword = body["credentials"]?["password"]?["value"] is JsonValue;
        var created = Directory.CreateUser(profile!, activate, hasPassword, timeProvider.GetUtcNow(), out var conflict);
        if (created is null)
        {
            await OktaErrors.ApiAsync(context, 400, "E0000001", "Api validation failed: login", conflict!).ConfigureAwait(false);
            return;
        }

        await OktaErrors.JsonAsync(context, 200, created).ConfigureAwait(false);
    }

    public async Task DeactivateUserAsync(HttpContext context)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        if (await auth.AuthorizeAsync(context, $"/api/v1/users/{Uri.EscapeDataString(id)}/lifecycle/deactivate", "okta.users.manage").ConfigureAwait(false) is null)
        {
            return;
        }

        if (!Directory.Deactivate(id, timeProvider.GetUtcNow()))
        {
            await OktaErrors.ApiAsync(context, 404, "E0000007", $"Not found: Resource not found: {id} (User)").ConfigureAwait(false);
            return;
        }

        // Okta answers 200 with no content.
        context.Response.StatusCode = 200;
    }

    public async Task ListGroupsAsync(HttpContext context)
    {
        if (await auth.AuthorizeAsync(context, "/api/v1/groups", "okta.groups.read").ConfigureAwait(false) is null)
        {
            return;
        }

        var query = context.Request.Query;
        IEnumerable<JsonObject> groups = Directory.Groups;
        if (!TryApply(ref groups, query["search"]) || !TryApply(ref groups, query["filter"]))
        {
            await OktaErrors.ApiAsync(context, 400, "E0000031", "Invalid search criteria.").ConfigureAwait(false);
            return;
        }

        string? q = query["q"];
        if (q is not null)
        {
            groups = groups.Where(g => ((string?)g["profile"]?["name"])?.StartsWith(q, StringComparison.OrdinalIgnoreCase) == true);
        }

        // Okta: paging and q are mutually exclusive; q returns up to 300.
        await PageAsync(context, "/api/v1/groups", [.. groups], q is null ? 10000 : 300, 10000, "id", ordered: false, pageable: q is null).ConfigureAwait(false);
    }

    public async Task ListAppsAsync(HttpContext context)
    {
        if (await auth.AuthorizeAsync(context, "/api/v1/apps", "okta.apps.read").ConfigureAwait(false) is null)
        {
            return;
        }

        var query = context.Request.Query;
        IEnumerable<JsonObject> apps = Directory.Apps;
        if (!TryApply(ref apps, query["filter"]))
        {
            await OktaErrors.ApiAsync(context, 400, "E0000031", "Invalid search criteria.").ConfigureAwait(false);
            return;
        }

        string? q = query["q"];
        if (q is not null)
        {
            apps = apps.Where(a => new[] { "name", "label" }.Any(f => ((string?)a[f])?.StartsWith(q, StringComparison.OrdinalIgnoreCase) == true));
        }

        await PageAsync(context, "/api/v1/apps", [.. apps], 20, 200, "id", ordered: false, pageable: true).ConfigureAwait(false);
    }

    public async Task ListLogsAsync(HttpContext context)
    {
        if (await auth.AuthorizeAsync(context, "/api/v1/logs", "okta.logs.read").ConfigureAwait(false) is null)
        {
            return;
        }

        var query = context.Request.Query;
        var now = timeProvider.GetUtcNow();
        if (!TryTime(query["until"], now, out var until) || !TryTime(query["since"], until.AddDays(-7), out var since) || since > until)
        {
            await OktaErrors.ApiAsync(context, 400, "E0000001", "Api validation failed: since/until", "since: The value must be an ISO 8601 timestamp not after until").ConfigureAwait(false);
            return;
        }

        var sortOrder = query["sortOrder"].ToString();
        if (sortOrder.Length > 0 && sortOrder is not ("ASCENDING" or "DESCENDING"))
        {
            await OktaErrors.ApiAsync(context, 400, "E0000001", "Api validation failed: sortOrder", "sortOrder: must be ASCENDING or DESCENDING").ConfigureAwait(false);
            return;
        }

        IEnumerable<JsonObject> events = Directory.Logs.Where(e =>
        {
            var published = DateTimeOffset.Parse((string)e["published"]!, CultureInfo.InvariantCulture);
            return published >= since && published <= until;
        });
        if (!TryApply(ref events, query["filter"]))
        {
            await OktaErrors.ApiAsync(context, 400, "E0000031", "Invalid search criteria.").ConfigureAwait(false);
            return;
        }

        if (query["q"].ToString() is { Length: > 0 } keywords)
        {
            var words = keywords.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            events = events.Where(e => words.All(w => e.ToJsonString().Contains(w, StringComparison.OrdinalIgnoreCase)));
        }

        if (sortOrder == "DESCENDING")
        {
            events = events.Reverse();
        }

        await PageAsync(context, "/api/v1/logs", [.. events], 100, 1000, "uuid", ordered: true, pageable: true).ConfigureAwait(false);
    }

    private static string SortKey(JsonObject item, string path)
    {
        JsonNode? node = item;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString() ?? string.Empty;
    }

    private static bool TryApply(ref IEnumerable<JsonObject> items, string? expression)
    {
        if (string.IsNullOrEmpty(expression))
        {
            return true;
        }

        try
        {
            var predicate = OktaFilterExpression.Parse(expression);
            items = [.. items.Where(i => predicate(i))];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>
    /// Writes one page. The cursor is the last returned item's <paramref name="key"/>; the next page starts after the
    /// item with that key (or, when the list is in key order and the item is gone, after the first larger key).
    /// </summary>
    private async Task PageAsync(HttpContext context, string path, List<JsonObject> items, int defaultLimit, int maxLimit, string key, bool ordered, bool pageable)
    {
        var query = context.Request.Query;
        var limit = defaultLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit))
            {
                await OktaErrors.ApiAsync(context, 400, "E0000001", "Api validation failed: limit", "limit: must be an integer").ConfigureAwait(false);
                return;
            }

            limit = limit <= 0 ? defaultLimit : Math.Min(limit, maxLimit);
        }

        var start = 0;
        if (query["after"].ToString() is { Length: > 0 } after)
        {
            var index = items.FindIndex(i => (string?)i[key] == after);
            start = index >= 0
                ? index + 1
                : ordered ? items.Count : items.FindIndex(i => string.CompareOrdinal((string?)i[key], after) > 0) is var next and >= 0 ? next : items.Count;
        }

        var page = items.Skip(start).Take(limit).ToList();
        var self = Link(path, query, null);
        context.Response.Headers.Append("Link", $"<{self}>; rel=\"self\"");
        if (pageable && start + page.Count < items.Count && page.Count > 0)
        {
            context.Response.Headers.Append("Link", $"<{Link(path, query, (string?)page[^1][key])}>; rel=\"next\"");
        }

        await OktaErrors.JsonAsync(context, 200, new JsonArray([.. page])).ConfigureAwait(false);
    }

    private string Link(string path, IQueryCollection query, string? after)
    {
        var builder = new StringBuilder(emulator.BaseUri.GetLeftPart(UriPartial.Authority)).Append(path);
        var first = true;
        foreach (var (name, values) in query)
        {
            if (name == "after")
            {
                continue;
            }

            foreach (var value in values)
            {
                builder.Append(first ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value ?? string.Empty));
                first = false;
            }
        }

        if (after is not null)
        {
            builder.Append(first ? '?' : '&').Append("after=").Append(Uri.EscapeDataString(after));
        }

        return builder.ToString();
    }
}
