using System.Collections.Frozen;
using System.Text.Json;
using QuantaSeal.Connectors.Catalog;

namespace QuantaSeal.Connectors.Auth0;

/// <summary>
/// The Auth0 operation table (DESIGN §6): the six seed operations and the read operations users expect. Paths,
/// parameter names and body members follow Auth0's published Management API v2 OpenAPI document (a conformance test
/// checks them against it). Paging is passed through as Auth0 defines it: <c>page</c> from 0, <c>per_page</c> 1..100,
/// <c>include_totals</c>; user search and offset log paging stop at 1,000 records; logs also page by checkpoint
/// (<c>from</c>/<c>take</c> ≤ 100).
/// </summary>
internal static class Auth0Operations
{
    /// <summary>Largest result window Auth0 serves for user search and offset log paging.</summary>
    public const int MaxSearchWindow = 1000;

    /// <summary>Auth0's <c>per_page</c> default when none is given.</summary>
    public const int DefaultPerPage = 50;

    /// <summary>Every operation, in catalog order.</summary>
    public static IReadOnlyList<Auth0Operation> All { get; } = Build();

    /// <summary>Operations by name.</summary>
    public static FrozenDictionary<string, Auth0Operation> ByName { get; } =
        All.ToFrozenDictionary(o => o.Name, StringComparer.Ordinal);

    private static List<Auth0Operation> Build() =>
    [
        new(
            "get_users",
            HttpMethod.Get,
            "/api/v2/users",
            "List or search users (Lucene query q, search engine v3). Payload: {q?, search_engine?, fields?, include_fields?, sort?, page?, per_page?, include_totals?, primary_order?}.",
            ["read:users"],
            [
                Query("q", "Lucene query (e.g. email:*@example.com); search engine v3. Up to 2048 characters.", maxLength: 2048),
                Query("search_engine", "Search engine version; only v3 is accepted (sent as v3 whenever q is given).", allowed: ["v3"]),
                FieldList(),
                IncludeFields(),
                Sort(),
                Page(),
                PerPage(),
                IncludeTotals("wrap the list as {start, limit, length, total, users}"),
                Boolean("primary_order", "Deterministic order (default true); false may be faster."),
            ],
            p => SearchWindow(p, "users")),
        new(
            "get_user",
            HttpMethod.Get,
            "/api/v2/users/{id}",
            "Get one user by id. Payload: {user_id, fields?, include_fields?}.",
            ["read:users"],
            [UserId(), FieldList(), IncludeFields()]),
        new(
            "create_user",
            HttpMethod.Post,
            "/api/v2/users",
            "Create a user in a connection. Payload: the Auth0 body {connection, email (or phone_number for SMS), password?, ...}; unknown members are rejected.",
            ["create:users"],
            CreateUserFields(),
            CreateUserRule),
        new(
            "update_user",
            HttpMethod.Patch,
            "/api/v2/users/{id}",
            "Update a user's profile or metadata. Payload: {user_id, changes: {at least one of " + string.Join(", ", UpdateUserMembers().Select(m => m.Name)) + "}}; metadata objects are merged by Auth0, null clears an attribute.",
            ["update:users"],
            [
                UserId(),
                new Auth0PayloadField("changes", Auth0FieldKind.ClosedObject, Auth0FieldLocation.WholeBody, true,
                    "The attributes to change (the Auth0 PATCH body): " + string.Join(", ", UpdateUserMembers().Select(m => m.Name)) + ". At least one; any other member is rejected.")
                {
                    Members = UpdateUserMembers(),
                },
            ]),
        new(
            "delete_user",
            HttpMethod.Delete,
            "/api/v2/users/{id}",
            "Permanently delete a user. Payload: {user_id}.",
            ["delete:users"],
            [UserId()]),
        new(
            "get_logs",
            HttpMethod.Get,
            "/api/v2/logs",
            "Tenant log events, by page (page/per_page, first 1000 records) or by checkpoint (from/take). Payload: {q?, fields?, include_fields?, sort?, page?, per_page?, include_totals?} or {from?, take?, fields?, include_fields?}.",
            ["read:logs"],
            [
                Query("q", "Lucene query over log fields (e.g. type:f). Up to 2048 characters; not with from/take.", maxLength: 2048),
                FieldList(),
                IncludeFields(),
                Sort(),
                Page(),
                PerPage(),
                IncludeTotals("wrap the list as {start, limit, length, total, logs}"),
                Query("from", "Checkpoint: the log_id after which to start (ascending by log_id).", maxLength: 128),
                Integer("take", "Checkpoint: how many entries, 1..100 (default 50).", 1, 100),
            ],
            LogsRule),
        new(
            "get_users_by_email",
            HttpMethod.Get,
            "/api/v2/users-by-email",
            "Find users by exact email address (case-sensitive). Payload: {email, fields?, include_fields?}.",
            ["read:users"],
            [
                new Auth0PayloadField("email", Auth0FieldKind.Email, Auth0FieldLocation.Query, true, "The email address to look up (at most 254 characters)."),
                FieldList(),
                IncludeFields(),
            ]),
        new(
            "get_user_logs",
            HttpMethod.Get,
            "/api/v2/users/{id}/logs",
            "Log events of one user (login history). Payload: {user_id, page?, per_page?, sort?, include_totals?}.",
            ["read:logs"],
            [UserId(), Page(), PerPage(), Sort(), IncludeTotals("wrap the list as {start, limit, length, total, logs}")],
            p => SearchWindow(p, "logs")),
        new(
            "get_clients",
            HttpMethod.Get,
            "/api/v2/clients",
            "List applications (clients). Payload: {fields?, include_fields?, page?, per_page?, include_totals?, is_global?, is_first_party?, app_type?}.",
            ["read:clients"],
            [
                FieldList(),
                IncludeFields(),
                Page(),
                PerPage(),
                IncludeTotals("wrap the list as {start, limit, total, clients}"),
                Boolean("is_global", "Only global (true) or non-global (false) clients."),
                Boolean("is_first_party", "Only first-party (true) or third-party (false) clients."),
                Query("app_type", "Comma-separated application types (native, spa, regular_web, non_interactive, ...).", maxLength: 256),
            ]),
        new(
            "get_client_grants",
            HttpMethod.Get,
            "/api/v2/client-grants",
            "List client grants (which application may call which API with which scopes). Payload: {audience?, client_id?, page?, per_page?, include_totals?}.",
            ["read:client_grants"],
            [
                Query("audience", "Only grants for this API identifier.", maxLength: 600),
                Query("client_id", "Only grants of this client.", maxLength: 128),
                Page(),
                PerPage(),
                IncludeTotals("wrap the list as {start, limit, total, client_grants}"),
            ]),
        new(
            "get_resource_servers",
            HttpMethod.Get,
            "/api/v2/resource-servers",
            "List APIs (resource servers) and their scopes. Payload: {identifiers?, page?, per_page?, include_totals?}.",
            ["read:resource_servers"],
            [
                QueryList("identifiers", "Only these API identifiers (array of up to 10 strings).", maxLength: 600),
                Page(),
                PerPage(),
                IncludeTotals("wrap the list as {start, limit, total, resource_servers}"),
            ]),
        new(
            "get_roles",
            HttpMethod.Get,
            "/api/v2/roles",
            "List RBAC roles. Payload: {name_filter?, page?, per_page?, include_totals?}.",
            ["read:roles"],
            [
                Query("name_filter", "Only roles whose name contains this text (case-insensitive).", maxLength: 256),
                Page(),
                PerPage(),
                IncludeTotals("wrap the list as {start, limit, total, roles}"),
            ]),
        new(
            "get_connections",
            HttpMethod.Get,
            "/api/v2/connections",
            "List connections (database, social, enterprise). Payload: {strategy?, name?, fields?, include_fields?, page?, per_page?, include_totals?}.",
            ["read:connections"],
            [
                QueryList("strategy", "Only connections with these strategies (array of up to 10, e.g. [\"auth0\", \"samlp\"]).", maxLength: 64),
                Query("name", "Only the connection with this name.", maxLength: 128),
                FieldList(),
                IncludeFields(),
                Page(),
                PerPage(),
                IncludeTotals("wrap the list as {start, limit, total, connections}"),
            ]),
        new(
            "get_actions",
            HttpMethod.Get,
            "/api/v2/actions/actions",
            "List Actions (code in the login and M2M pipelines). Payload: {triggerId?, actionName?, deployed?, installed?, page?, per_page?}; the answer is {total, page, per_page, actions}.",
            ["read:actions"],
            [
                Query("triggerId", "Only actions bound to this trigger (post-login, credentials-exchange, ...).", maxLength: 64),
                Query("actionName", "Only the action with this name.", maxLength: 256),
                Boolean("deployed", "Only deployed actions."),
                Boolean("installed", "true: only installed (marketplace) actions; false: only custom actions."),
                Page(),
                PerPage(),
            ]),
    ];

    private static Auth0PayloadField Query(string name, string description, int maxLength = 1024, IReadOnlyList<string>? allowed = null) =>
        new(name, Auth0FieldKind.String, Auth0FieldLocation.Query, false, description) { MaxLength = maxLength, Allowed = allowed };

    /// <summary>An array of up to 10 non-empty strings, sent as a repeated query parameter.</summary>
    private static Auth0PayloadField QueryList(string name, string description, int maxLength) =>
        new(name, Auth0FieldKind.StringArray, Auth0FieldLocation.Query, false, description) { MinLength = 1, MaxLength = maxLength, MaxItems = 10 };

    private static Auth0PayloadField Integer(string name, string description, long min, long max) =>
        new(name, Auth0FieldKind.Integer, Auth0FieldLocation.Query, false, description) { Min = min, Max = max };

    private static Auth0PayloadField Boolean(string name, string description) =>
        new(name, Auth0FieldKind.Boolean, Auth0FieldLocation.Query, false, description);

    private static Auth0PayloadField Page() =>
        Integer("page", "Page index, from 0.", 0, 100_000);

    private static Auth0PayloadField PerPage() =>
        Integer("per_page", "Results per page, 1..100 (Auth0's default applies when absent).", 1, 100);

    private static Auth0PayloadField IncludeTotals(string shape) =>
        Boolean("include_totals", "true: " + shape + ".");

    private static Auth0PayloadField FieldList() =>
        new("fields", Auth0FieldKind.FieldList, Auth0FieldLocation.Query, false, "Comma-separated field names to include (or exclude, see include_fields).") { MaxLength = 1024 };

    private static Auth0PayloadField IncludeFields() =>
        Boolean("include_fields", "true (default): return only 'fields'; false: return everything but 'fields'.");

    private static Auth0PayloadField Sort() =>
        new("sort", Auth0FieldKind.Sort, Auth0FieldLocation.Query, false, "Sort as field:1 (ascending) or field:-1 (descending), e.g. created_at:1.");

    private static Auth0PayloadField UserId() =>
        new("user_id", Auth0FieldKind.UserId, Auth0FieldLocation.Path, true, "The Auth0 user id (e.g. auth0|507f1f77bcf86cd799439020); URL-encoded on the wire.") { WireName = "id" };

    private static Auth0PayloadField BodyString(string name, string description, int minLength = 1, int maxLength = 1024, bool nullable = false) =>
        new(name, Auth0FieldKind.String, Auth0FieldLocation.Body, false, description) { MinLength = minLength, MaxLength = maxLength, Nullable = nullable };

    private static Auth0PayloadField BodyBoolean(string name, string description) =>
        new(name, Auth0FieldKind.Boolean, Auth0FieldLocation.Body, false, description);

    private static Auth0PayloadField BodyObject(string name, string description) =>
        new(name, Auth0FieldKind.Object, Auth0FieldLocation.Body, false, description);

    private static List<Auth0PayloadField> CreateUserFields() =>
    [
        new("connection", Auth0FieldKind.String, Auth0FieldLocation.Body, true, "Name of the connection to create the user in (e.g. Username-Password-Authentication).") { MinLength = 1, MaxLength = 128 },
        new("email", Auth0FieldKind.Email, Auth0FieldLocation.Body, false, "The user's email; required unless phone_number is given (SMS connections)."),
        BodyString("phone_number", "Phone number in E.164 form (SMS connections).", maxLength: 32),
        BodyString("password", "Initial password (database connections).", maxLength: 512),
        BodyString("username", "Username, when the connection requires one (1..128).", maxLength: 128),
        BodyString("user_id", "External id to give the user (0..255).", minLength: 0, maxLength: 255),
        BodyString("given_name", "Given name (1..150).", maxLength: 150),
        BodyString("family_name", "Family name (1..150).", maxLength: 150),
        BodyString("name", "Full name (1..300).", maxLength: 300),
        BodyString("nickname", "Nickname (1..300).", maxLength: 300),
        BodyString("picture", "URL of the user's picture.", maxLength: 2048),
        BodyBoolean("blocked", "Whether the user is blocked."),
        BodyBoolean("email_verified", "Whether the email is verified."),
        BodyBoolean("phone_verified", "Whether the phone number is verified."),
        BodyBoolean("verify_email", "Whether Auth0 sends a verification email."),
        BodyObject("user_metadata", "Metadata the user may read and edit (object)."),
        BodyObject("app_metadata", "Metadata only the application may edit (object)."),
    ];

    private static List<Auth0PayloadField> UpdateUserMembers() =>
    [
        new("email", Auth0FieldKind.Email, Auth0FieldLocation.Body, false, "New email (null clears).") { Nullable = true },
        BodyString("phone_number", "New phone number (E.164; null clears).", maxLength: 32, nullable: true),
        BodyString("password", "New password (database connections).", maxLength: 512, nullable: true),
        BodyString("username", "New username (1..128).", maxLength: 128, nullable: true),
        BodyString("given_name", "Given name (1..150).", maxLength: 150, nullable: true),
        BodyString("family_name", "Family name (1..150).", maxLength: 150, nullable: true),
        BodyString("name", "Full name (1..300).", maxLength: 300, nullable: true),
        BodyString("nickname", "Nickname (1..300).", maxLength: 300, nullable: true),
        BodyString("picture", "URL of the user's picture.", maxLength: 2048, nullable: true),
        BodyString("connection", "Connection to target (needed for some attribute changes).", maxLength: 128),
        BodyString("client_id", "Client id, only when changing the email.", maxLength: 128),
        BodyBoolean("blocked", "Block (true) or unblock (false) the user."),
        BodyBoolean("email_verified", "Whether the email is verified."),
        BodyBoolean("phone_verified", "Whether the phone number is verified."),
        BodyBoolean("verify_email", "Whether Auth0 sends a verification email."),
        BodyBoolean("verify_phone_number", "Whether Auth0 texts the new phone number."),
        BodyObject("user_metadata", "Merged into the user's user_metadata (a null member removes it)."),
        BodyObject("app_metadata", "Merged into the user's app_metadata (a null member removes it)."),
    ];

    private static PayloadValidationResult? CreateUserRule(JsonElement payload)
    {
        // Auth0 needs an identifier for the new user: an email for database and email connections, a phone number
        // for SMS. Which one the connection wants is only known upstream, so one of the two must be here.
        if (!payload.TryGetProperty("email", out _) && !payload.TryGetProperty("phone_number", out _))
        {
            return PayloadValidationResult.Invalid("email", "'email' is required (or 'phone_number' for an SMS connection).");
        }

        return null;
    }

    private static PayloadValidationResult? LogsRule(JsonElement payload)
    {
        var checkpoint = payload.TryGetProperty("from", out _) || payload.TryGetProperty("take", out _);
        if (checkpoint)
        {
            // Auth0 ignores page/per_page/sort/include_totals/q when 'from' is given; refusing the mix keeps the
            // caller from believing a filter or an order applied when it did not.
            foreach (var offsetOnly in (string[])["page", "per_page", "sort", "include_totals", "q"])
            {
                if (payload.TryGetProperty(offsetOnly, out _))
                {
                    return PayloadValidationResult.Invalid(offsetOnly, $"'{offsetOnly}' cannot be combined with checkpoint paging ('from'/'take').");
                }
            }

            return null;
        }

        return SearchWindow(payload, "logs");
    }

    private static PayloadValidationResult? SearchWindow(JsonElement payload, string what)
    {
        var page = payload.TryGetProperty("page", out var p) ? p.GetInt64() : 0;
        var perPage = payload.TryGetProperty("per_page", out var pp) ? pp.GetInt64() : DefaultPerPage;
        if ((page * perPage) + perPage > MaxSearchWindow)
        {
            return PayloadValidationResult.Invalid(
                "page",
                $"'page' × 'per_page' + 'per_page' must not exceed {MaxSearchWindow}: Auth0 serves only the first {MaxSearchWindow} {what} this way (narrow the query, or use checkpoint paging for logs).");
        }

        return null;
    }
}
