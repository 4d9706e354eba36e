using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace QuantaSeal.Emulators.Auth0;

/// <content>User writes: <c>POST /api/v2/users</c> and <c>PATCH /api/v2/users/{id}</c> with Auth0's body rules.</content>
internal sealed partial class Auth0Api
{
    // Members of CreateUserRequestContent / UpdateUserRequestContent, with their JSON kinds.
    private static readonly Dictionary<string, JsonValueKind> CreateMembers = new(StringComparer.Ordinal)
    {
        ["email"] = JsonValueKind.String, ["phone_number"] = JsonValueKind.String, ["user_metadata"] = JsonValueKind.Object,
        ["blocked"] = JsonValueKind.True, ["email_verified"] = JsonValueKind.True, ["phone_verified"] = JsonValueKind.True,
        ["app_metadata"] = JsonValueKind.Object, ["given_name"] = JsonValueKind.String, ["family_name"] = JsonValueKind.String,
        ["name"] = JsonValueKind.String, ["nickname"] = JsonValueKind.String, ["picture"] = JsonValueKind.String,
        ["user_id"] = JsonValueKind.String, ["connection"] = JsonValueKind.String, ["password"] = JsonValueKind.String,
        ["verify_email"] = JsonValueKind.True, ["username"] = JsonValueKind.String,
    };

    private static readonly Dictionary<string, JsonValueKind> UpdateMembers = new(StringComparer.Ordinal)
    {
        ["blocked"] = JsonValueKind.True, ["email_verified"] = JsonValueKind.True, ["email"] = JsonValueKind.String,
        ["phone_number"] = JsonValueKind.String, ["phone_verified"] = JsonValueKind.True, ["user_metadata"] = JsonValueKind.Object,
        ["app_metadata"] = JsonValueKind.Object, ["given_name"] = JsonValueKind.String, ["family_name"] = JsonValueKind.String,
        ["name"] = JsonValueKind.String, ["nickname"] = JsonValueKind.String, ["picture"] = JsonValueKind.String,
        ["verify_email"] = JsonValueKind.True, ["verify_phone_number"] = JsonValueKind.True, ["password"] = JsonValueKind.String,
        ["connection"] = JsonValueKind.String, ["client_id"] = JsonValueKind.String, ["username"] = JsonValueKind.String,
    };

    // Nullable in the spec (type [string, null]): null clears the attribute.
    private static readonly HashSet<string> Clearable = new(StringComparer.Ordinal)
    {
        "email", "phone_number", "given_name", "family_name", "name", "nickname", "picture", "password", "username",
    };

    // Accepted in a PATCH but never stored on the profile.
    private static readonly HashSet<string> Directives = new(StringComparer.Ordinal)
    {
        "password", "verify_email", "verify_phone_number", "connection", "client_id",
    };

    private async Task CreateUserAsync(HttpContext context, Auth0TokenCheck token)
    {
        var body = await ReadJsonObjectAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await Auth0Wire.ErrorAsync(context, 400, "Invalid request payload JSON format", "invalid_body").ConfigureAwait(false);
            return;
        }

        if (CheckMembers(body, CreateMembers, allowNull: false) is { } problem)
        {
            await Auth0Wire.BodyErrorAsync(context, problem).ConfigureAwait(false);
            return;
        }

        var connectionName = Text(body, "connection");
        if (connectionName is null)
        {
            await Auth0Wire.BodyErrorAsync(context, "'Missing required property: connection'.").ConfigureAwait(false);
            return;
        }

        var connection = Auth0SeedData.Connections.FirstOrDefault(c => c.Name == connectionName);
        if (connection.Name is null)
        {
            await Auth0Wire.ErrorAsync(context, 400, "The connection does not exist.", "inexistent_connection").ConfigureAwait(false);
            return;
        }

        if (connection.Strategy is not ("auth0" or "email" or "sms"))
        {
            await Auth0Wire.ErrorAsync(context, 400, "Connection does not support user creation through the API. It must either be a database or passwordless connection.", "operation_not_supported").ConfigureAwait(false);
            return;
        }

        var email = Text(body, "email");
        var phone = Text(body, "phone_number");
        var missing = connection.Strategy switch
        {
            "auth0" when email is null => "email",
            "auth0" when Text(body, "password") is null => "password",
            "email" when email is null => "email",
            "sms" when phone is null => "phone_number",
            _ => null,
        };
        if (missing is not null)
        {
            await Auth0Wire.BodyErrorAsync(context, $"'Missing required property: {missing}'.").ConfigureAwait(false);
            return;
        }

        if (email is not null && !LooksLikeEmail(email))
        {
            // Auth0 echoes the offending value in its message; the connector must not pass such messages on.
            await Auth0Wire.BodyErrorAsync(context, $"'Object didn't pass validation for format email: {email}' on property email (The user's email).").ConfigureAwait(false);
            return;
        }

        if (Text(body, "password") is { Length: < 8 })
        {
            await Auth0Wire.ErrorAsync(context, 400, "PasswordStrengthError: Password is too weak", "invalid_password").ConfigureAwait(false);
            return;
        }

        var now = Auth0SeedData.Date(state.Time.GetUtcNow());
        var provider = connection.Strategy;
        var created = state.AddUser(
            generatedId =>
            {
                var localId = Text(body, "user_id") ?? generatedId;
                var user = new JsonObject
                {
                    ["user_id"] = provider + "|" + localId,
                    ["created_at"] = now,
                    ["updated_at"] = now,
                    ["identities"] = new JsonArray(new JsonObject
                    {
                        ["connection"] = connection.Name,
                        ["user_id"] = localId,
                        ["provider"] = provider,
                        ["isSocial"] = false,
                    }),
                    ["app_metadata"] = new JsonObject(),
                    ["user_metadata"] = new JsonObject(),
                    ["email_verified"] = false,
                    ["logins_count"] = 0,
                };
                foreach (var (name, value) in body)
                {
                    if (name is not ("password" or "connection" or "verify_email" or "user_id"))
                    {
                        user[name] = value?.DeepClone();
                    }
                }

                user["name"] ??= email ?? phone;
                user["nickname"] ??= email?.Split('@')[0] ?? phone;
                user["picture"] ??= "https://s.gravatar.com/avatar/" + generatedId + "?s=480&r=pg&d=mp";
                return user;
            },
            connection.Name,
            email);
        if (created is null)
        {
            await Auth0Wire.ErrorAsync(context, 409, "The user already exists.", "auth0_idp_error").ConfigureAwait(false);
            return;
        }

        await Auth0Wire.JsonAsync(context, 201, created).ConfigureAwait(false);
    }

    private async Task UpdateUserAsync(HttpContext context, string id)
    {
        var body = await ReadJsonObjectAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await Auth0Wire.ErrorAsync(context, 400, "Invalid request payload JSON format", "invalid_body").ConfigureAwait(false);
            return;
        }

        if (body.Count == 0)
        {
            await Auth0Wire.BodyErrorAsync(context, "'Too few properties defined (0), minimum 1'.").ConfigureAwait(false);
            return;
        }

        if (CheckMembers(body, UpdateMembers, allowNull: true) is { } problem)
        {
            await Auth0Wire.BodyErrorAsync(context, problem).ConfigureAwait(false);
            return;
        }

        if (Text(body, "email") is { } email && !LooksLikeEmail(email))
        {
            await Auth0Wire.BodyErrorAsync(context, $"'Object didn't pass validation for format email: {email}' on property email (Email address of this user).").ConfigureAwait(false);
            return;
        }

        var now = Auth0SeedData.Date(state.Time.GetUtcNow());
        var updated = state.UpdateUser(id, user =>
        {
            foreach (var (name, value) in body)
            {
                if (Directives.Contains(name))
                {
                    continue;
                }

                if (name is "user_metadata" or "app_metadata")
                {
                    // Auth0 merges metadata one level deep; a null member deletes that key.
                    var target = user[name] as JsonObject ?? [];
                    if (value is not JsonObject changes)
                    {
                        user[name] = new JsonObject();
                        continue;
                    }

                    foreach (var (key, member) in changes)
                    {
                        if (member is null)
                        {
                            target.Remove(key);
                        }
                        else
                        {
                            target[key] = member.DeepClone();
                        }
                    }

                    user[name] = target.DeepClone();
                }
                else if (value is null)
                {
                    user.Remove(name);
                }
                else
                {
                    user[name] = value.DeepClone();
                }
            }

            user["updated_at"] = now;
        });
        if (updated is null)
        {
            await Auth0Wire.ErrorAsync(context, 404, "The user does not exist.", "inexistent_user").ConfigureAwait(false);
            return;
        }

        await Auth0Wire.JsonAsync(context, 200, updated).ConfigureAwait(false);
    }

    private static string? CheckMembers(JsonObject body, Dictionary<string, JsonValueKind> members, bool allowNull)
    {
        foreach (var (name, value) in body)
        {
            if (!members.TryGetValue(name, out var kind))
            {
                return $"'Additional properties not allowed: {name}'.";
            }

            if (value is null)
            {
                if (!allowNull || !(Clearable.Contains(name) || name is "user_metadata" or "app_metadata"))
                {
                    return $"'Expected type {Describe(kind)} but found type null' on property {name}.";
                }

                continue;
            }

            var actual = value.GetValueKind();
            var matches = kind == JsonValueKind.True ? actual is JsonValueKind.True or JsonValueKind.False : actual == kind;
            if (!matches)
            {
                return $"'Expected type {Describe(kind)} but found type {Describe(actual)}' on property {name}.";
            }
        }

        return null;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.Number => "number",
        JsonValueKind.Null => "null",
        _ => "string",
    };

    private static bool LooksLikeEmail(string text)
    {
        var at = text.LastIndexOf('@');
        return at > 0 && at < text.Length - 1 && text.IndexOf('.', at) > at + 1 && !text.Any(char.IsWhiteSpace) && !text.EndsWith('.');
    }
}
