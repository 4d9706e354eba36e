using System.Globalization;
using System.Text.Json;

namespace QuantaSeal.Connectors.Catalog;

/// <summary>
/// The Okta Management API v1 operations (the seed's seven), their payload fields and the least <c>okta.*</c> scope
/// each needs. Validation runs before any upstream call, names the first bad field, never echoes a value and never
/// throws on any JSON input: an unknown field, a wrong type or an out-of-range value is rejected (fail closed).
/// </summary>
/// <remarks>
/// Limits follow Okta's per-endpoint limits (OpenAPI <c>management-minimal.yaml</c> 2026.06.3): users and apps page at
/// most 200, the System Log at most 1,000. Groups allow 10,000 upstream; QuantaSeal caps a page at 1,000 so that it
/// fits the response size cap (<see cref="Http.ConnectorHttpClients.MaxResponseBytes"/>).
/// </remarks>
internal static class OktaCatalog
{
    /// <summary>The system type.</summary>
    public const string SystemType = "okta";

    /// <summary>Users per page (Okta: <c>limit</c> ≤ 200 on <c>/api/v1/users</c>).</summary>
    public const int MaxUsersLimit = 200;

    /// <summary>Groups per page (QuantaSeal cap; Okta allows 10,000).</summary>
    public const int MaxGroupsLimit = 1000;

    /// <summary>Apps per page (Okta: <c>limit</c> ≤ 200 on <c>/api/v1/apps</c>).</summary>
    public const int MaxAppsLimit = 200;

    /// <summary>System Log events per page (Okta: 0..1000).</summary>
    public const int MaxLogLimit = 1000;

    private const int MaxExpressionLength = 2048;
    private const int MaxQueryLength = 256;
    private const int MaxIdLength = 256;
    private const int MaxCursorLength = 1024;

    private static readonly string[] UsersRead = ["okta.users.read"];
    private static readonly string[] UsersManage = ["okta.users.manage"];

    private static readonly PayloadFieldDescriptor Search = new("search", "string", false, "Okta search expression (SCIM-style, e.g. profile.department eq \"Engineering\"); up to 2048 characters.");
    private static readonly PayloadFieldDescriptor After = new("after", "string", false, "Opaque cursor from the previous page's next_cursor (Okta Link rel=\"next\").");

    private static readonly OperationDescriptor[] All =
    [
        new(SystemType, "list_users", "GET", "/api/v1/users", "List users with optional search, filter or q.", false,
        [
            Search,
            new("filter", "string", false, "Okta filter expression (status, lastUpdated, id, profile.login, profile.email, profile.firstName, profile.lastName); up to 2048 characters."),
            new("q", "string", false, "Simple startsWith lookup on firstName, lastName or email; up to 256 characters (Okta does not page q)."),
            new("limit", "integer", false, "Page size 1..200."),
            After,
            new("sortBy", "string", false, "Property to sort by; only with search."),
            new("sortOrder", "string", false, "asc or desc; only with sortBy."),
        ], UsersRead),
        new(SystemType, "get_user", "GET", "/api/v1/users/{id}", "Retrieve a user by id or login.", false,
        [
            new("user_id", "string", true, "Okta user id (00u...) or login; a login containing '/' must be looked up by id."),
        ], UsersRead),
        new(SystemType, "create_user", "POST", "/api/v1/users", "Create a user.", true,
        [
            new("profile", "object", true, "User profile: email, login, firstName, lastName required; other profile attributes pass through."),
            new("profile.email", "string", true, "Primary email (up to 100 characters)."),
            new("profile.login", "string", true, "Unique login (up to 100 characters)."),
            new("profile.firstName", "string", true, "Given name (up to 50 characters)."),
            new("profile.lastName", "string", true, "Family name (up to 50 characters)."),
            new("activate", "boolean", false, "Activate the user on creation (Okta default true)."),
            new("credentials", "object", false, "Okta credentials object: password {value}, recovery_question {question, answer}, provider {type, name}."),
            new("groupIds", "array", false, "Ids of groups to add the user to (up to 20)."),
            new("type", "object", false, "User type: {id}."),
        ], UsersManage),
        new(SystemType, "deactivate_user", "POST", "/api/v1/users/{id}/lifecycle/deactivate", "Deactivate (deprovision) a user.", true,
        [
            new("user_id", "string", true, "Okta user id (00u...) or login."),
            new("sendEmail", "boolean", false, "Send a deactivation email to the admin (Okta default false)."),
        ], UsersManage),
        new(SystemType, "list_groups", "GET", "/api/v1/groups", "List groups with optional search, filter or q.", false,
        [
            Search,
            new("filter", "string", false, "Okta filter expression (id, type, lastUpdated, lastMembershipUpdated); up to 2048 characters."),
            new("q", "string", false, "startsWith lookup on the group name; up to 256 characters."),
            new("limit", "integer", false, "Page size 1..1000."),
            After,
            new("sortBy", "string", false, "Property to sort by; only with search."),
            new("sortOrder", "string", false, "asc or desc; only with sortBy."),
        ], ["okta.groups.read"]),
        new(SystemType, "list_applications", "GET", "/api/v1/apps", "List applications.", false,
        [
            new("q", "string", false, "startsWith lookup on the app name or label; up to 256 characters."),
            new("filter", "string", false, "Okta filter expression (id, status, credentials.signing.kid, settings.slo.enabled, name); up to 2048 characters."),
            new("limit", "integer", false, "Page size 1..200."),
            After,
        ], ["okta.apps.read"]),
        new(SystemType, "get_system_log", "GET", "/api/v1/logs", "Retrieve System Log events.", false,
        [
            new("since", "string", false, "ISO 8601 lower bound of published (Okta default: 7 days before until)."),
            new("until", "string", false, "ISO 8601 upper bound of published; not before since."),
            new("filter", "string", false, "Okta filter expression; up to 2048 characters."),
            new("q", "string", false, "Up to 10 space-separated keywords of at most 40 characters each."),
            new("sortOrder", "string", false, "ASCENDING or DESCENDING."),
            new("limit", "integer", false, "Page size 1..1000."),
            After,
        ], ["okta.logs.read"]),
    ];

    private static readonly Dictionary<string, OperationDescriptor> ByName = All.ToDictionary(o => o.Name, StringComparer.Ordinal);

    private static readonly HashSet<string> CredentialMembers = new(["password", "recovery_question", "provider"], StringComparer.Ordinal);

    /// <summary>The Okta operations.</summary>
    public static IReadOnlyList<OperationDescriptor> Operations { get; } = All;

    /// <summary>Looks an operation up by name (ordinal).</summary>
    public static bool TryGet(string operation, out OperationDescriptor descriptor)
    {
        if (operation is not null && ByName.TryGetValue(operation, out var found))
        {
            descriptor = found;
            return true;
        }

        descriptor = null!;
        return false;
    }

    /// <summary>
    /// The least <c>okta.*</c> scope set for a set of allowed operations (unknown names ignored), sorted ordinally
    /// so the same policy always asks for the same string.
    /// </summary>
    public static IReadOnlyList<string> LeastScopes(IEnumerable<string> allowedOperations)
    {
        ArgumentNullException.ThrowIfNull(allowedOperations);
        var scopes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in allowedOperations)
        {
            if (name is not null && ByName.TryGetValue(name, out var op))
            {
                scopes.UnionWith(op.RequiredScopes);
            }
        }

        return [.. scopes];
    }

    /// <summary>Validates a payload (null = none) for an operation. Never throws.</summary>
    public static PayloadValidationResult Validate(string operation, JsonElement? payload)
    {
        if (operation is null || !ByName.TryGetValue(operation, out var op))
        {
            return PayloadValidationResult.Invalid("operation", "Unknown Okta operation.");
        }

        JsonElement root;
        if (payload is null || payload.Value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            using var empty = JsonDocument.Parse("{}");
            root = empty.RootElement.Clone();
        }
        else if (payload.Value.ValueKind != JsonValueKind.Object)
        {
            return PayloadValidationResult.Invalid("payload", "The payload must be a JSON object.");
        }
        else
        {
            root = payload.Value;
        }

        try
        {
            var error = op.Name switch
            {
                "list_users" => ValidateListWithSearch(root, MaxUsersLimit),
                "get_user" => ValidateUserRef(root, allowed: ["user_id"]),
                "create_user" => ValidateCreateUser(root),
                "deactivate_user" => ValidateUserRef(root, allowed: ["user_id", "sendEmail"]) ?? OptionalBoolean(root, "sendEmail"),
                "list_groups" => ValidateListWithSearch(root, MaxGroupsLimit),
                "list_applications" => ValidateListApplications(root),
                "get_system_log" => ValidateSystemLog(root),
                _ => new FieldError("operation", "Unknown Okta operation."),
            };
            return error is null
                ? PayloadValidationResult.Valid(new OperationRequest(op, root.Clone()))
                : PayloadValidationResult.Invalid(error.Field, error.Message);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            // System.Text.Json refuses some inputs only when a value is read (e.g. an escaped lone surrogate).
            return PayloadValidationResult.Invalid("payload", "The payload contains text that is not valid Unicode.");
        }
    }

    private static FieldError? ValidateListWithSearch(JsonElement root, int maxLimit)
    {
        return UnknownField(root, "search", "filter", "q", "limit", "after", "sortBy", "sortOrder")
            ?? OptionalText(root, "search", MaxExpressionLength)
            ?? OptionalText(root, "filter", MaxExpressionLength)
            ?? OptionalText(root, "q", MaxQueryLength)
            ?? OptionalInteger(root, "limit", 1, maxLimit)
            ?? OptionalText(root, "after", MaxCursorLength)
            ?? OptionalText(root, "sortBy", MaxQueryLength)
            ?? OptionalEnum(root, "sortOrder", "asc", "desc")
            ?? Requires(root, "sortBy", "search", "'sortBy' is only accepted together with 'search'.")
            ?? Requires(root, "sortOrder", "sortBy", "'sortOrder' is only accepted together with 'sortBy'.");
    }

    private static FieldError? ValidateListApplications(JsonElement root)
    {
        return UnknownField(root, "q", "filter", "limit", "after")
            ?? OptionalText(root, "q", MaxQueryLength)
            ?? OptionalText(root, "filter", MaxExpressionLength)
            ?? OptionalInteger(root, "limit", 1, MaxAppsLimit)
            ?? OptionalText(root, "after", MaxCursorLength);
    }

    private static FieldError? ValidateSystemLog(JsonElement root)
    {
        DateTimeOffset? since = null, until = null;
        var error = UnknownField(root, "since", "until", "filter", "q", "sortOrder", "limit", "after")
            ?? OptionalTimestamp(root, "since", out since)
            ?? OptionalTimestamp(root, "until", out until)
            ?? OptionalText(root, "filter", MaxExpressionLength)
            ?? OptionalText(root, "q", 10 * 41)
            ?? OptionalEnum(root, "sortOrder", "ASCENDING", "DESCENDING")
            ?? OptionalInteger(root, "limit", 1, MaxLogLimit)
            ?? OptionalText(root, "after", MaxCursorLength);
        if (error is not null)
        {
            return error;
        }

        if (since is not null && until is not null && since > until)
        {
            return new FieldError("until", "'until' must not be before 'since'.");
        }

        if (Present(root, "q", out var q))
        {
            var keywords = q.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (keywords.Length is 0 or > 10 || keywords.Any(k => k.Length > 40))
            {
                return new FieldError("q", "'q' takes 1 to 10 space-separated keywords of at most 40 characters each.");
            }
        }

        return null;
    }

    private static FieldError? ValidateUserRef(JsonElement root, string[] allowed)
    {
        var error = UnknownField(root, allowed);
        if (error is not null)
        {
            return error;
        }

        if (!Present(root, "user_id", out var id))
        {
            return new FieldError("user_id", "'user_id' is required.");
        }

        if (id.ValueKind != JsonValueKind.String)
        {
            return new FieldError("user_id", "'user_id' must be a string.");
        }

        var text = id.GetString()!;
        if (text.Length == 0 || text.Length > MaxIdLength || HasControl(text) || text.Trim().Length != text.Length)
        {
            return new FieldError("user_id", "'user_id' must be 1 to 256 printable characters without surrounding spaces.");
        }

        // Okta cannot resolve an escaped '/' in the path, and '.'/'..' would be normalised away by URI handling.
        if (text.Contains('/', StringComparison.Ordinal) || text is "." or "..")
        {
            return new FieldError("user_id", "'user_id' must not contain '/' or be '.' or '..'; look such users up by id.");
        }

        return null;
    }

    private static FieldError? ValidateCreateUser(JsonElement root)
    {
        var error = UnknownField(root, "profile", "activate", "credentials", "groupIds", "type")
            ?? OptionalBoolean(root, "activate");
        if (error is not null)
        {
            return error;
        }

        if (!Present(root, "profile", out var profile))
        {
            return new FieldError("profile", "'profile' is required.");
        }

        if (profile.ValueKind != JsonValueKind.Object)
        {
            return new FieldError("profile", "'profile' must be an object.");
        }

        error = RequiredProfileText(profile, "email", 100)
            ?? RequiredProfileText(profile, "login", 100)
            ?? RequiredProfileText(profile, "firstName", 50)
            ?? RequiredProfileText(profile, "lastName", 50);
        if (error is not null)
        {
            return error;
        }

        var email = profile.GetProperty("email").GetString()!;
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1 || email.Contains(' ', StringComparison.Ordinal))
        {
            return new FieldError("profile.email", "'profile.email' must be an email address.");
        }

        foreach (var member in profile.EnumerateObject())
        {
            if (member.Name.Length is 0 or > 100 || HasControl(member.Name))
            {
                return new FieldError("profile", "'profile' has an attribute name that is empty, too long or not printable.");
            }

            if (member.Value.ValueKind is JsonValueKind.Object || (member.Value.ValueKind is JsonValueKind.Array && member.Value.EnumerateArray().Any(e => e.ValueKind is JsonValueKind.Object or JsonValueKind.Array)))
            {
                return new FieldError("profile." + SafeName(member.Name), "Profile attributes must be strings, numbers, booleans, null or arrays of those.");
            }
        }

        if (Present(root, "credentials", out var credentials))
        {
            if (credentials.ValueKind != JsonValueKind.Object)
            {
                return new FieldError("credentials", "'credentials' must be an object.");
            }

            foreach (var member in credentials.EnumerateObject())
            {
                if (!CredentialMembers.Contains(member.Name))
                {
                    return new FieldError("credentials." + SafeName(member.Name), "Unknown credentials member; expected password, recovery_question or provider.");
                }

                if (member.Value.ValueKind != JsonValueKind.Object)
                {
                    return new FieldError("credentials." + member.Name, "Must be an object.");
                }
            }
        }

        if (Present(root, "groupIds", out var groups))
        {
            if (groups.ValueKind != JsonValueKind.Array)
            {
                return new FieldError("groupIds", "'groupIds' must be an array of group ids.");
            }

            if (groups.GetArrayLength() > 20)
            {
                return new FieldError("groupIds", "'groupIds' takes at most 20 group ids.");
            }

            foreach (var group in groups.EnumerateArray())
            {
                if (group.ValueKind != JsonValueKind.String || group.GetString()!.Length is 0 or > MaxIdLength || HasControl(group.GetString()!))
                {
                    return new FieldError("groupIds", "'groupIds' must contain non-empty group id strings.");
                }
            }
        }

        if (Present(root, "type", out var type))
        {
            if (type.ValueKind != JsonValueKind.Object
                || type.EnumerateObject().Any(m => m.Name != "id")
                || !type.TryGetProperty("id", out var typeId)
                || typeId.ValueKind != JsonValueKind.String
                || typeId.GetString()!.Length is 0 or > MaxIdLength)
            {
                return new FieldError("type", "'type' must be an object with a string 'id' only.");
            }
        }

        return null;
    }

    private static FieldError? RequiredProfileText(JsonElement profile, string name, int maxLength)
    {
        if (!profile.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return new FieldError("profile." + name, $"'profile.{name}' is required.");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return new FieldError("profile." + name, $"'profile.{name}' must be a string.");
        }

        var text = value.GetString()!;
        if (text.Trim().Length == 0 || text.Length > maxLength || HasControl(text))
        {
            return new FieldError("profile." + name, $"'profile.{name}' must be 1 to {maxLength} printable characters.");
        }

        return null;
    }

    private static FieldError? UnknownField(JsonElement root, params string[] allowed)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in root.EnumerateObject())
        {
            if (!allowed.Contains(member.Name, StringComparer.Ordinal))
            {
                return new FieldError(SafeName(member.Name), "Unknown field for this operation.");
            }

            if (!seen.Add(member.Name))
            {
                return new FieldError(member.Name, "The field is given more than once.");
            }
        }

        return null;
    }

    private static FieldError? OptionalText(JsonElement root, string name, int maxLength)
    {
        if (!Present(root, name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return new FieldError(name, $"'{name}' must be a string.");
        }

        var text = value.GetString()!;
        if (text.Length == 0 || text.Length > maxLength || HasControl(text))
        {
            return new FieldError(name, $"'{name}' must be 1 to {maxLength} printable characters.");
        }

        return null;
    }

    private static FieldError? OptionalInteger(JsonElement root, string name, int min, int max)
    {
        if (!Present(root, name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number) || number != decimal.Truncate(number))
        {
            return new FieldError(name, $"'{name}' must be an integer.");
        }

        return number < min || number > max ? new FieldError(name, $"'{name}' must be between {min} and {max}.") : null;
    }

    private static FieldError? OptionalBoolean(JsonElement root, string name)
    {
        return Present(root, name, out var value) && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
            ? new FieldError(name, $"'{name}' must be true or false.")
            : null;
    }

    private static FieldError? OptionalEnum(JsonElement root, string name, params string[] values)
    {
        if (!Present(root, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && values.Contains(value.GetString(), StringComparer.Ordinal)
            ? null
            : new FieldError(name, $"'{name}' must be one of: {string.Join(", ", values)}.");
    }

    private static FieldError? OptionalTimestamp(JsonElement root, string name, out DateTimeOffset? parsed)
    {
        parsed = null;
        if (!Present(root, name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String
            || value.GetString() is not { Length: >= 10 and <= 40 } text
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return new FieldError(name, $"'{name}' must be an ISO 8601 timestamp (e.g. 2026-01-31T00:00:00Z).");
        }

        parsed = at;
        return null;
    }

    private static FieldError? Requires(JsonElement root, string name, string other, string message)
    {
        return Present(root, name, out _) && !Present(root, other, out _) ? new FieldError(name, message) : null;
    }

    /// <summary>An optional field given as JSON null counts as absent.</summary>
    private static bool Present(JsonElement root, string name, out JsonElement value)
    {
        return root.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A field name from the caller, shortened and stripped of control characters before it is echoed.</summary>
    private static string SafeName(string name)
    {
        var cleaned = new string([.. name.Where(c => !char.IsControl(c) && !char.IsSurrogate(c)).Take(64)]);
        return cleaned.Length == 0 ? "payload" : cleaned;
    }

    private sealed record FieldError(string Field, string Message);
}
