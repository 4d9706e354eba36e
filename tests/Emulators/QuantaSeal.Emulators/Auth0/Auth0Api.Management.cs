using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace QuantaSeal.Emulators.Auth0;

/// <content>The Management API v2 routes: authentication, scope and dispatch.</content>
internal sealed partial class Auth0Api
{
    private const int MaxWindow = 1000;

    private async Task ManagementAsync(HttpContext context, string[] route, string? bearer)
    {
        var method = context.Request.Method;
        (string[] Scopes, Func<HttpContext, Auth0TokenCheck, Task> Handler)? endpoint = route switch
        {
            ["users"] when HttpMethods.IsGet(method) => (["read:users", "read:user_idp_tokens"], ListUsersAsync),
            ["users"] when HttpMethods.IsPost(method) => (["create:users"], CreateUserAsync),
            ["users", var id] when HttpMethods.IsGet(method) => (["read:users", "read:current_user", "read:user_idp_tokens"], (c, _) => GetUserAsync(c, id)),
            ["users", var id] when HttpMethods.IsPatch(method) => (["update:users", "update:users_app_metadata", "update:current_user_metadata"], (c, _) => UpdateUserAsync(c, id)),
            ["users", var id] when HttpMethods.IsDelete(method) => (["delete:users", "delete:current_user"], (c, _) => DeleteUserAsync(c, id)),
            ["users", var id, "logs"] when HttpMethods.IsGet(method) => (["read:logs", "read:logs_users"], (c, _) => UserLogsAsync(c, id)),
            ["users-by-email"] when HttpMethods.IsGet(method) => (["read:users"], UsersByEmailAsync),
            ["logs"] when HttpMethods.IsGet(method) => (["read:logs", "read:logs_users"], LogsAsync),
            ["clients"] when HttpMethods.IsGet(method) => (["read:clients", "read:client_keys", "read:client_credentials", "read:client_summary"], ClientsAsync),
            ["client-grants"] when HttpMethods.IsGet(method) => (["read:client_grants"], GrantsAsync),
            ["resource-servers"] when HttpMethods.IsGet(method) => (["read:resource_servers"], ResourceServersAsync),
            ["roles"] when HttpMethods.IsGet(method) => (["read:roles"], RolesAsync),
            ["connections"] when HttpMethods.IsGet(method) => (["read:connections"], ConnectionsAsync),
            ["actions", "actions"] when HttpMethods.IsGet(method) => (["read:actions"], ActionsAsync),
            _ => null,
        };
        if (endpoint is not { } found)
        {
            await Auth0Wire.ErrorAsync(context, 404, "Not Found").ConfigureAwait(false);
            return;
        }

        if (context.Request.Headers.Authorization.Count == 0)
        {
            await Auth0Wire.ErrorAsync(context, 401, "Missing authentication").ConfigureAwait(false);
            return;
        }

        if (bearer is null)
        {
            await Auth0Wire.ErrorAsync(context, 401, "Bad HTTP authentication header format").ConfigureAwait(false);
            return;
        }

        var check = await issuer.CheckAsync(bearer).ConfigureAwait(false);
        if (!check.IsValid)
        {
            await Auth0Wire.ErrorAsync(context, 401, check.Failure!).ConfigureAwait(false);
            return;
        }

        if (!found.Scopes.Any(s => check.Scopes.Contains(s, StringComparer.Ordinal)))
        {
            await Auth0Wire.ErrorAsync(context, 403, "Insufficient scope, expected any of: " + string.Join(",", found.Scopes), "insufficient_scope").ConfigureAwait(false);
            return;
        }

        await found.Handler(context, check).ConfigureAwait(false);
    }

    private Task ListUsersAsync(HttpContext context, Auth0TokenCheck token)
    {
        var q = new Auth0Query(context.Request.Query, "page", "per_page", "include_totals", "sort", "connection", "fields", "include_fields", "q", "search_engine", "primary_order");
        var page = q.Int("page", 0, int.MaxValue) ?? 0;
        var perPage = q.Int("per_page", 0, 100) ?? 50;
        var totals = q.Bool("include_totals") ?? false;
        var include = q.Bool("include_fields") ?? true;
        q.Bool("primary_order");
        var engine = q.String("search_engine");
        var search = q.String("q");
        if (q.Error is { } error)
        {
            return Auth0Wire.QueryErrorAsync(context, error);
        }

        if (engine is "v1")
        {
            return Auth0Wire.ErrorAsync(context, 400, "You are not allowed to use search_engine=v1.", "operation_not_supported");
        }

        if (engine is not (null or "v2" or "v3"))
        {
            return Auth0Wire.QueryErrorAsync(context, "'No enum match for: " + engine + "' on property search_engine.");
        }

        if (q.Has("connection"))
        {
            return Auth0Wire.ErrorAsync(context, 400, "The 'connection' parameter is only available with search_engine=v1.", "invalid_query_string");
        }

        if (search is not null && engine is null)
        {
            return Auth0Wire.ErrorAsync(context, 400, "The 'q' parameter is available only if you specify 'search_engine=v2|v3'.", "invalid_query_string");
        }

        if (((long)page * perPage) + perPage > MaxWindow)
        {
            return Auth0Wire.ErrorAsync(context, 400,
                "You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation", "invalid_paging");
        }

        var users = state.Users();
        if (search is not null)
        {
            if (!Auth0Lucene.TryParse(search, out var predicate, out var queryError))
            {
                return Auth0Wire.ErrorAsync(context, 400, queryError!, "invalid_query");
            }

            users = users.FindAll(u => predicate(u));
        }

        if (!Auth0Listing.TrySort(users, q.String("sort")))
        {
            return Auth0Wire.QueryErrorAsync(context, "'String does not match pattern ^(([a-zA-Z0-9_\\.]+))\\:(1|-1)$' on property sort.");
        }

        var fields = q.String("fields");
        return Auth0Wire.JsonAsync(context, 200, Auth0Listing.Page(users, page, perPage, totals, "users", withLength: true, u => Auth0Listing.Project(u, fields, include)));
    }

    private Task GetUserAsync(HttpContext context, string id)
    {
        var q = new Auth0Query(context.Request.Query, "fields", "include_fields");
        var include = q.Bool("include_fields") ?? true;
        if (q.Error is { } error)
        {
            return Auth0Wire.QueryErrorAsync(context, error);
        }

        var user = state.FindUser(id);
        return user is null
            ? Auth0Wire.ErrorAsync(context, 404, "The user does not exist.", "inexistent_user")
            : Auth0Wire.JsonAsync(context, 200, Auth0Listing.Project(user, q.String("fields"), include));
    }

    private Task DeleteUserAsync(HttpContext context, string id)
    {
        // Auth0 answers 204 whether or not the user existed.
        state.DeleteUser(id);
        context.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private Task UsersByEmailAsync(HttpContext context, Auth0TokenCheck token)
    {
        var q = new Auth0Query(context.Request.Query, "fields", "include_fields", "email");
        var include = q.Bool("include_fields") ?? true;
        var email = q.String("email");
        if (q.Error is { } error)
        {
            return Auth0Wire.QueryErrorAsync(context, error);
        }

        if (string.IsNullOrEmpty(email))
        {
            return Auth0Wire.QueryErrorAsync(context, "'Missing required property: email'.");
        }

        var fields = q.String("fields");
        var matches = state.Users().Where(u => string.Equals((string?)u["email"], email, StringComparison.Ordinal))
            .Select(u => (JsonNode?)Auth0Listing.Project(u, fields, include));
        return Auth0Wire.JsonAsync(context, 200, new JsonArray([.. matches]));
    }

    private Task UserLogsAsync(HttpContext context, string id)
    {
        var q = new Auth0Query(context.Request.Query, "page", "per_page", "sort", "include_totals");
        var page = q.Int("page", 0, int.MaxValue) ?? 0;
        var perPage = q.Int("per_page", 0, 100);
        var totals = q.Bool("include_totals") ?? false;
        if (q.Error is { } error)
        {
            return Auth0Wire.QueryErrorAsync(context, error);
        }

        var logs = state.Logs().FindAll(l => string.Equals((string?)l["user_id"], id, StringComparison.Ordinal));
        if (!Auth0Listing.TrySort(logs, q.String("sort") ?? "date:-1"))
        {
            return Auth0Wire.QueryErrorAsync(context, "'String does not match pattern' on property sort.");
        }

        // Paging is off when per_page is not sent: every matching event comes back.
        return Auth0Wire.JsonAsync(context, 200, Auth0Listing.Page(logs, perPage is null ? 0 : page, perPage ?? Math.Max(1, logs.Count), totals, "logs", withLength: true));
    }

    private Task LogsAsync(HttpContext context, Auth0TokenCheck token)
    {
        var q = new Auth0Query(context.Request.Query, "page", "per_page", "sort", "fields", "include_fields", "include_totals", "from", "take", "q");
        var page = q.Int("page", 0, int.MaxValue) ?? 0;
        var perPage = q.Int("per_page", 0, 100) ?? 50;
        var take = q.Int("take", 1, 100) ?? 50;
        var totals = q.Bool("include_totals") ?? false;
        var include = q.Bool("include_fields") ?? true;
        if (q.Error is { } error)
        {
            return Auth0Wire.QueryErrorAsync(context, error);
        }

        var fields = q.String("fields");
        var logs = state.Logs();
        if (q.String("from") is { } from)
        {
            // Checkpoint paging: strictly after 'from', oldest first; page/per_page/sort/q do not apply.
            var after = logs.Where(l => string.CompareOrdinal((string?)l["log_id"], from) > 0)
                .OrderBy(l => (string?)l["log_id"], StringComparer.Ordinal)
                .Take(take)
                .Select(l => (JsonNode?)Auth0Listing.Project(l, fields, include));
            return Auth0Wire.JsonAsync(context, 200, new JsonArray([.. after]));
        }

        if (q.Has("take"))
        {
            var latest = logs.OrderByDescending(l => (string?)l["log_id"], StringComparer.Ordinal)
                .Take(take)
                .Select(l => (JsonNode?)Auth0Listing.Project(l, fields, include));
            return Auth0Wire.JsonAsync(context, 200, new JsonArray([.. latest]));
        }

        if (((long)page * perPage) + perPage > MaxWindow)
        {
            return Auth0Wire.ErrorAsync(context, 400,
                "You can only page through the first 1000 records. Use checkpoint pagination (from/take) to read further.", "invalid_paging");
        }

        if (q.String("q") is { } search)
        {
            if (!Auth0Lucene.TryParse(search, out var predicate, out var queryError))
            {
                return Auth0Wire.ErrorAsync(context, 400, queryError!, "invalid_query");
            }

            logs = logs.FindAll(l => predicate(l));
        }

        if (!Auth0Listing.TrySort(logs, q.String("sort") ?? "date:-1"))
        {
            return Auth0Wire.QueryErrorAsync(context, "'String does not match pattern' on property sort.");
        }

        return Auth0Wire.JsonAsync(context, 200, Auth0Listing.Page(logs, page, perPage, totals, "logs", withLength: true, l => Auth0Listing.Project(l, fields, include)));
    }

    private Task ClientsAsync(HttpContext context, Auth0TokenCheck token)
    {
        var q = new Auth0Query(context.Request.Query, "fields", "include_fields", "page", "per_page", "include_totals", "from", "take", "is_global", "is_first_party", "app_type", "q");
        var page = q.Int("page", 0, int.MaxValue) ?? 0;
        var perPage = q.Int("per_page", 0, 100) ?? 50;
        var totals = q.Bool("include_totals") ?? false;
        var include = q.Bool("include_fields") ?? true;
        var isGlobal = q.Bool("is_global");
        var firstParty = q.Bool("is_first_party");
        if (q.Error is { } error)
        {
            return Auth0Wire.QueryErrorAsync(context, error);
        }

        var types = q.String("app_type")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // Secrets only for a token that may read them, as Auth0 does.
        var keys = token.Scopes.Contains("read:client_keys", StringComparer.Ordinal);
        var clients = state.Applications().FindAll(c =>
            (isGlobal is null || (bool?)c["global"] == isGlobal)
            && (firstParty is null || (bool?)c["is_first_party"] == firstParty)
            && (types is null || types.Contains((string?)c["app_type"], StringComparer.Ordinal)));
        if (!keys)
        {
            clients.ForEach(c => c.Remove("client_secret"));
        }

        var fields = q.String("fields");
        return Auth0Wire.JsonAsync(context, 200, Auth0Listing.Page(clients, page, perPage, totals, "clients", withLength: false, c => Auth0Listing.Project(c, fields, include)));
    }

    private Task GrantsAsync(HttpContext context, Auth0TokenCheck token)
    {
        var q = new Auth0Query(context.Request.Query, "per_page", "page", "include_totals", "from", "take", "audience", "client_id", "allow_any_organization", "subject_type");
        var page = q.Int("page", 0, int.MaxValue) ?? 0;
        var perPage = q.Int("per_page", 0, 100) ?? 50;
        var totals = q.Bool("include_totals") ?? false;
        if (q.Error is { } error)
        {
            return Auth0Wire.QueryErrorAsync(context, error);
        }

        var audience = q.String("audience");
        var clientId = q.String("client_id");
        var grants = state.Grants().FindAll(g =>
            (audience is null || string.Equals((string?)g["audience"], audience, StringComparison.Ordinal))
            && (clientId is null || string.Equals((string?)g["client_id"], clientId, StringComparison.Ordinal)));
        return Auth0Wire.JsonAsync(context, 200, Auth0Listing.Page(grants, page, perPage, totals, "client_grants", withLength: false));
    }

    private Task ResourceServersAsync(HttpContext context, Auth0TokenCheck token)
    {
        var q = new Auth0Query(context.Request.Query, "identifiers[]", "page", "per_page", "include_totals", "include_fields");
        var page = q.Int("page", 0, int.MaxValue) ?? 0;
        var perPage = q.Int("per_page", 0, 100) ?? 50;
        var totals = q.Bool("include_totals") ?? false;
        q.Bool("include_fields");
        var identifiers = q.Array("identifiers");
        if (identifiers.Length > 10)
        {
            return Auth0Wire.QueryErrorAsync(context, "'Array is too long (" + identifiers.Length + "), maximum 10' on property identifiers.");
        }

        if (q.Error is { } error)
        {
            return Auth0Wire.QueryErrorAsync(context, error);
        }

        var servers = state.ResourceServers().FindAll(r =>
            identifiers.Length == 0 || identifiers.Contains((string?)r["identifier"], StringComparer.Ordinal));
        return Auth0Wire.JsonAsync(context, 200, Auth0Listing.Page(servers, page, perPage, totals, "resource_servers", withLength: false));
    }

    private Task RolesAsync(HttpContext context, Auth0TokenCheck token)
    {
        var q = new Auth0Query(context.Request.Query, "per_page", "page", "include_totals", "name_filter");
        var page = q.Int("page", 0, int.MaxValue) ?? 0;
        var perPage = q.Int("per_page", 0, 100) ?? 50;
        var totals = q.Bool("include_totals") ?? false;
        if (q.Error is { } error)
        {
            return Auth0Wire.QueryErrorAsync(context, error);
        }

        var filter = q.String("name_filter");
        var roles = state.Roles().FindAll(r => filter is null || ((string?)r["name"])?.Contains(filter, StringComparison.OrdinalIgnoreCase) == true);
        return Auth0Wire.JsonAsync(context, 200, Auth0Listing.Page(roles, page, perPage, totals, "roles", withLength: false));
    }

    private Task ConnectionsAsync(HttpContext context, Auth0TokenCheck token)
    {
        var q = new Auth0Query(context.Request.Query, "per_page", "page", "include_totals", "from", "take", "strategy[]", "name", "fields", "include_fields");
        var page = q.Int("page", 0, int.MaxValue) ?? 0;
        var perPage = q.Int("per_page", 0, 100) ?? 100;
        var totals = q.Bool("include_totals") ?? false;
        var include = q.Bool("include_fields") ?? true;
        if (q.Error is { } error)
        {
            return Auth0Wire.QueryErrorAsync(context, error);
        }

        var strategies = q.Array("strategy");
        var name = q.String("name");
        var fields = q.String("fields");
        var connections = state.Connections().FindAll(c =>
            (strategies.Length == 0 || strategies.Contains((string?)c["strategy"], StringComparer.Ordinal))
            && (name is null || string.Equals((string?)c["name"], name, StringComparison.Ordinal)));
        return Auth0Wire.JsonAsync(context, 200, Auth0Listing.Page(connections, page, perPage, totals, "connections", withLength: false, c => Auth0Listing.Project(c, fields, include)));
    }

    private Task ActionsAsync(HttpContext context, Auth0TokenCheck token)
    {
        var q = new Auth0Query(context.Request.Query, "triggerId", "actionName", "deployed", "page", "per_page", "installed");
        var page = q.Int("page", 0, int.MaxValue) ?? 0;
        var perPage = q.Int("per_page", 1, 100) ?? 20;
        var deployed = q.Bool("deployed");
        var installed = q.Bool("installed");
        if (q.Error is { } error)
        {
            return Auth0Wire.QueryErrorAsync(context, error);
        }

        var trigger = q.String("triggerId");
        var name = q.String("actionName");
        var actions = state.Actions().FindAll(a =>
            (trigger is null || a["supported_triggers"]!.AsArray().Any(t => string.Equals((string?)t?["id"], trigger, StringComparison.Ordinal)))
            && (name is null || string.Equals((string?)a["name"], name, StringComparison.Ordinal))
            && (deployed is not true || (bool?)a["all_changes_deployed"] == true)
            && installed is not true); // the seed has custom actions only
        var slice = actions.Skip((int)Math.Min((long)page * perPage, int.MaxValue)).Take(perPage).Select(a => (JsonNode?)a);
        return Auth0Wire.JsonAsync(context, 200, new JsonObject
        {
            ["total"] = actions.Count,
            ["page"] = page,
            ["per_page"] = perPage,
            ["actions"] = new JsonArray([.. slice]),
        });
    }
}
