using System.Globalization;
using System.Text.Json.Nodes;

namespace QuantaSeal.Emulators.Auth0;

/// <summary>
/// Deterministic test data in Auth0's wire shapes: users (database, social and SAML ids, all with <c>|</c>), log events
/// with increasing <c>log_id</c>s, applications, client grants, APIs, roles, connections and Actions. Names, emails
/// and addresses are reserved example values (example.com, 192.0.2.0/24); none is real.
/// </summary>
internal static class Auth0SeedData
{
    public const string DatabaseConnection = "Username-Password-Authentication";
    public const string CustomApiIdentifier = "https://api.acme.example/";

    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] GivenNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"];
    private static readonly string[] FamilyNames = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Berners-Lee"];
    private static readonly string[] LogTypes = ["s", "f", "sapi", "seccft", "slo", "fp"];

    /// <summary>The connections: (name, strategy, id).</summary>
    public static IReadOnlyList<(string Name, string Strategy, string Id)> Connections { get; } =
    [
        (DatabaseConnection, "auth0", "con_0000000000000001"),
        ("google-oauth2", "google-oauth2", "con_0000000000000002"),
        ("acme-saml", "samlp", "con_0000000000000003"),
        ("email", "email", "con_0000000000000004"),
        ("sms", "sms", "con_0000000000000005"),
    ];

    /// <summary>Auth0's date format (ISO 8601, milliseconds, Z).</summary>
    public static string Date(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static List<JsonObject> Users(int count)
    {
        var users = new List<JsonObject>(count);
        for (var i = 0; i < count; i++)
        {
            var given = GivenNames[i % GivenNames.Length];
            var family = FamilyNames[(i / GivenNames.Length) % FamilyNames.Length];
            string provider, connection, localId, email;
            if (i == 7)
            {
                (provider, connection, localId, email) = ("samlp", "acme-saml", "acme-saml|jane.doe@acme.example", "jane.doe@acme.example");
            }
            else if (i % 10 == 3)
            {
                (provider, connection, localId, email) = ("google-oauth2", "google-oauth2", (104_000_000_000_000_000_000m + i).ToString(CultureInfo.InvariantCulture), Email(i));
            }
            else
            {
                (provider, connection, localId, email) = ("auth0", DatabaseConnection, HexId(i), Email(i));
            }

            // Two accounts (database and social) share one address, as linked-account candidates do.
            if (i is 1 or 13)
            {
                email = "shared.person@example.com";
            }

            var created = Epoch.AddHours(i);
            var user = new JsonObject
            {
                ["user_id"] = provider + "|" + localId,
                ["email"] = email,
                ["email_verified"] = i % 4 != 0,
                ["name"] = $"{given} {family}",
                ["given_name"] = given,
                ["family_name"] = family,
                ["nickname"] = given.ToLowerInvariant() + i.ToString("D3", CultureInfo.InvariantCulture),
                ["picture"] = "https://s.gravatar.com/avatar/" + HexId(i) + "?s=480&r=pg&d=mp",
                ["created_at"] = Date(created),
                ["updated_at"] = Date(created.AddDays(1)),
                ["identities"] = new JsonArray(new JsonObject
                {
                    ["connection"] = connection,
                    ["user_id"] = localId,
                    ["provider"] = provider,
                    ["isSocial"] = provider == "google-oauth2",
                }),
                ["app_metadata"] = new JsonObject { ["plan"] = i % 3 == 0 ? "pro" : "free" },
                ["user_metadata"] = new JsonObject { ["locale"] = i % 2 == 0 ? "en" : "fr" },
                ["last_ip"] = "192.0.2." + ((i % 250) + 1).ToString(CultureInfo.InvariantCulture),
                ["last_login"] = Date(created.AddDays(30)),
                ["logins_count"] = (i * 7) % 50,
            };
            if (i % 17 == 0)
            {
                user["blocked"] = true;
            }

            if (i % 5 == 0)
            {
                // A field the OpenAPI document does not list: real responses carry such fields, and they must pass through.
                user["last_password_reset"] = Date(created.AddDays(10));
            }

            users.Add(user);
        }

        return users;
    }

    public static List<JsonObject> Logs(int count, IReadOnlyList<JsonObject> users, string clientId, string hostname, string audience)
    {
        var logs = new List<JsonObject>(count);
        for (var i = 0; i < count; i++)
        {
            var type = LogTypes[i % LogTypes.Length];
            var log = new JsonObject
            {
                ["log_id"] = LogId(i),
                ["date"] = Date(Epoch.AddDays(40).AddMinutes(i * 7)),
                ["type"] = type,
                // Auth0 sends null descriptions for some event types; the connector must pass them through.
                ["description"] = type switch
                {
                    "f" => "Wrong email or password.",
                    "fp" => "Wrong email or password.",
                    "sapi" => "Update a user",
                    _ => null,
                },
                ["client_id"] = clientId,
                ["client_name"] = "QuantaSeal emulator M2M",
                ["ip"] = "192.0.2." + ((i % 250) + 1).ToString(CultureInfo.InvariantCulture),
                ["hostname"] = hostname,
                ["user_agent"] = "Chrome 120.0.0 / Mac OS X 10.15.7",
                ["isMobile"] = false,
                ["details"] = new JsonObject { ["sequence"] = i },
                ["location_info"] = new JsonObject
                {
                    ["country_code"] = "US",
                    ["country_code3"] = "USA",
                    ["country_name"] = "United States",
                    ["city_name"] = "Example City",
                    ["latitude"] = "37.77",
                    ["longitude"] = "-122.41",
                    ["time_zone"] = "America/Los_Angeles",
                    ["continent_code"] = "NA",
                },
            };
            if (type == "seccft")
            {
                log["audience"] = audience;
                log["scope"] = "read:users";
            }
            else
            {
                var user = users.Count == 0 ? null : users[i % users.Count];
                log["user_id"] = (string?)user?["user_id"] ?? "auth0|" + HexId(i);
                log["user_name"] = (string?)user?["email"] ?? Email(i);
                log["connection"] = DatabaseConnection;
                log["connection_id"] = Connections[0].Id;
                log["strategy"] = "auth0";
                log["strategy_type"] = "database";
            }

            logs.Add(log);
        }

        return logs;
    }

    public static List<JsonObject> Applications()
    {
        (string Name, string Type, bool FirstParty)[] apps =
        [
            ("Default App", "regular_web", true),
            ("Acme Storefront", "spa", true),
            ("Acme iOS", "native", true),
            ("Acme Android", "native", true),
            ("Nightly Reporting", "non_interactive", true),
            ("Partner Portal", "regular_web", false),
            ("Support Console", "spa", true),
            ("Billing Worker", "non_interactive", true),
            ("Marketing Site", "regular_web", true),
            ("Legacy Kiosk", "native", false),
        ];
        var clients = new List<JsonObject>
        {
            new()
            {
                ["client_id"] = "qsEmuGlobalClient000000000000000",
                ["tenant"] = "emulator",
                ["name"] = "All Applications",
                ["global"] = true,
                ["callbacks"] = new JsonArray(),
                ["is_first_party"] = true,
                ["oidc_conformant"] = false,
                ["client_secret"] = "test-vector-global-secret-not-real",
            },
        };
        for (var i = 0; i < apps.Length; i++)
        {
            var (name, type, firstParty) = apps[i];
            var interactive = type != "non_interactive";
            clients.Add(new JsonObject
            {
                ["client_id"] = "qsEmuApp" + i.ToString("D24", CultureInfo.InvariantCulture),
                ["tenant"] = "emulator",
                ["name"] = name,
                ["description"] = name + " (emulator seed)",
                ["global"] = false,
                ["app_type"] = type,
                ["is_first_party"] = firstParty,
                ["oidc_conformant"] = true,
                ["callbacks"] = interactive ? new JsonArray("https://app.acme.example/callback") : new JsonArray(),
                ["allowed_origins"] = new JsonArray(),
                ["web_origins"] = type == "spa" ? new JsonArray("https://app.acme.example") : new JsonArray(),
                ["grant_types"] = interactive ? new JsonArray("authorization_code", "refresh_token") : new JsonArray("client_credentials"),
                ["token_endpoint_auth_method"] = type is "spa" or "native" ? "none" : "client_secret_post",
                ["jwt_configuration"] = new JsonObject { ["alg"] = "RS256", ["lifetime_in_seconds"] = 36000, ["secret_encoded"] = false },
                ["sso_disabled"] = false,
                ["cross_origin_authentication"] = false,
                ["custom_login_page_on"] = true,
                ["client_secret"] = "test-vector-app-secret-" + i.ToString(CultureInfo.InvariantCulture),
            });
        }

        return clients;
    }

    public static JsonObject M2MApplication(Auth0EmulatorClient client, string name) => new()
    {
        ["client_id"] = client.ClientId,
        ["tenant"] = "emulator",
        ["name"] = name,
        ["description"] = "Machine-to-machine application registered in the emulator",
        ["global"] = false,
        ["app_type"] = "non_interactive",
        ["is_first_party"] = true,
        ["oidc_conformant"] = true,
        ["callbacks"] = new JsonArray(),
        ["grant_types"] = new JsonArray("client_credentials"),
        ["token_endpoint_auth_method"] = "client_secret_post",
        ["jwt_configuration"] = new JsonObject { ["alg"] = "RS256", ["lifetime_in_seconds"] = 36000, ["secret_encoded"] = false },
        ["sso_disabled"] = false,
        ["cross_origin_authentication"] = false,
        ["custom_login_page_on"] = true,
    };

    public static List<JsonObject> CustomApiGrants() =>
    [
        Grant("cgr_seed000000000001", "qsEmuApp000000000000000000000004", CustomApiIdentifier, ["read:reports"]),
        Grant("cgr_seed000000000002", "qsEmuApp000000000000000000000007", CustomApiIdentifier, ["read:invoices", "write:invoices"]),
        Grant("cgr_seed000000000003", "qsEmuApp000000000000000000000000", CustomApiIdentifier, ["read:profile"]),
    ];

    public static JsonObject Grant(string id, string clientId, string audience, IEnumerable<string> scopes) => new()
    {
        ["id"] = id,
        ["client_id"] = clientId,
        ["audience"] = audience,
        ["scope"] = new JsonArray([.. scopes.Select(s => (JsonNode?)JsonValue.Create(s))]),
        ["subject_type"] = "client",
    };

    public static List<JsonObject> ResourceServers(string managementAudience, IEnumerable<string> managementScopes) =>
    [
        new()
        {
            ["id"] = "rs_management0000000001",
            ["name"] = "Auth0 Management API",
            ["is_system"] = true,
            ["identifier"] = managementAudience,
            ["scopes"] = new JsonArray([.. managementScopes.Select(s => (JsonNode?)new JsonObject { ["value"] = s, ["description"] = Describe(s) })]),
            ["signing_alg"] = "RS256",
            ["allow_offline_access"] = false,
            ["skip_consent_for_verifiable_first_party_clients"] = false,
            ["token_lifetime"] = 86400,
            ["token_lifetime_for_web"] = 7200,
            ["token_dialect"] = "access_token",
        },
        new()
        {
            ["id"] = "rs_acme00000000000000002",
            ["name"] = "Acme API",
            ["is_system"] = false,
            ["identifier"] = CustomApiIdentifier,
            ["scopes"] = new JsonArray(
                new JsonObject { ["value"] = "read:reports", ["description"] = "Read reports" },
                new JsonObject { ["value"] = "read:invoices", ["description"] = "Read invoices" },
                new JsonObject { ["value"] = "write:invoices", ["description"] = "Write invoices" },
                new JsonObject { ["value"] = "read:profile", ["description"] = "Read the profile" }),
            ["signing_alg"] = "RS256",
            ["allow_offline_access"] = true,
            ["skip_consent_for_verifiable_first_party_clients"] = true,
            ["token_lifetime"] = 3600,
            ["token_lifetime_for_web"] = 3600,
            ["token_dialect"] = "access_token_authz",
        },
        new()
        {
            ["id"] = "rs_reports000000000003",
            ["name"] = "Reports API",
            ["is_system"] = false,
            ["identifier"] = "urn:acme:reports",
            ["scopes"] = new JsonArray(),
            ["signing_alg"] = "RS256",
            ["allow_offline_access"] = false,
            ["skip_consent_for_verifiable_first_party_clients"] = true,
            ["token_lifetime"] = 86400,
            ["token_lifetime_for_web"] = 7200,
            ["token_dialect"] = "rfc9068_profile",
        },
    ];

    public static List<JsonObject> Roles()
    {
        var roles = new List<JsonObject>
        {
            Role(0, "Admin", "Full access"),
            Role(1, "Billing Manager", "Manage invoices"),
            Role(2, "Support Agent", "Read users and logs"),
        };
        for (var i = 3; i < 30; i++)
        {
            roles.Add(Role(i, "Reader " + i.ToString("D2", CultureInfo.InvariantCulture), "Read-only role " + i.ToString(CultureInfo.InvariantCulture)));
        }

        return roles;
    }

    public static List<JsonObject> ConnectionObjects() =>
    [
        .. Connections.Select(c => new JsonObject
        {
            ["id"] = c.Id,
            ["name"] = c.Name,
            ["display_name"] = c.Name == "acme-saml" ? "Acme SSO" : c.Name,
            ["strategy"] = c.Strategy,
            ["options"] = c.Strategy == "auth0"
                ? new JsonObject { ["passwordPolicy"] = "good", ["brute_force_protection"] = true, ["mfa"] = new JsonObject { ["active"] = true } }
                : new JsonObject(),
            ["realms"] = new JsonArray(c.Name),
            ["is_domain_connection"] = false,
            ["metadata"] = new JsonObject(),
        }),
    ];

    public static List<JsonObject> Actions()
    {
        var actions = new List<JsonObject>();
        string[] triggers = ["post-login", "credentials-exchange", "pre-user-registration", "post-user-registration", "post-change-password"];
        for (var i = 0; i < 25; i++)
        {
            var trigger = triggers[i % triggers.Length];
            var created = Epoch.AddDays(i);
            actions.Add(new JsonObject
            {
                ["id"] = $"{i + 1:x8}-0000-4000-8000-{(i + 1) * 7919:x12}",
                ["name"] = "action-" + i.ToString("D2", CultureInfo.InvariantCulture),
                ["supported_triggers"] = new JsonArray(new JsonObject { ["id"] = trigger, ["version"] = trigger == "post-login" ? "v3" : "v2" }),
                ["all_changes_deployed"] = i % 4 != 0,
                ["created_at"] = Date(created),
                ["updated_at"] = Date(created.AddHours(3)),
                ["code"] = trigger == "post-login"
                    ? "exports.onExecutePostLogin = async (event, api) => { api.accessToken.setCustomClaim('plan', event.user.app_metadata.plan); };"
                    : "exports.onExecute = async (event, api) => {};",
                ["runtime"] = "node18",
                ["status"] = "built",
                ["secrets"] = new JsonArray(),
                ["dependencies"] = new JsonArray(),
            });
        }

        return actions;
    }

    public static string HexId(long i) => "6650" + ((i * 7919) + 104729).ToString("x20", CultureInfo.InvariantCulture);

    public static string LogId(long i) => "900" + (20240210000000L + i).ToString("D53", CultureInfo.InvariantCulture);

    private static string Email(int i) => "user" + i.ToString("D3", CultureInfo.InvariantCulture) + "@example.com";

    private static JsonObject Role(int i, string name, string description) => new()
    {
        ["id"] = "rol_" + ((i * 104729) + 15485863).ToString("x16", CultureInfo.InvariantCulture),
        ["name"] = name,
        ["description"] = description,
    };

    private static string Describe(string scope)
    {
        var parts = scope.Split(':', 2);
        return parts.Length == 2 ? $"{char.ToUpperInvariant(parts[0][0])}{parts[0][1..]} {parts[1].Replace('_', ' ')}" : scope;
    }
}
