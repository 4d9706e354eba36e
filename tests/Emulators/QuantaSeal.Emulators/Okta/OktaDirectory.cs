using System.Globalization;
using System.Text.Json.Nodes;

namespace QuantaSeal.Emulators.Okta;

/// <summary>
/// The emulator's in-memory org: users, groups, apps and System Log events as Okta-shaped JSON (with the nulls and
/// extra members real responses have). Ids are 20 characters with Okta's prefixes (00u, 00g, 0oa) and sort in
/// creation order, which is also the cursor order. Thread-safe through one lock.
/// </summary>
internal sealed class OktaDirectory
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] FirstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Leslie"];
    private static readonly string[] LastNames = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Lamport"];
    private static readonly string[] Departments = ["Engineering", "Sales", "Finance", "Support"];
    private static readonly string[] EventTypes = ["user.session.start", "user.authentication.sso", "user.lifecycle.create", "group.user_membership.add", "application.user_membership.add"];

    private readonly object _gate = new();
    private readonly Uri _baseUri;
    private readonly List<JsonObject> _users = [];
    private readonly List<JsonObject> _groups = [];
    private readonly List<JsonObject> _apps = [];
    private readonly List<JsonObject> _logs = [];
    private int _nextUser;

    public OktaDirectory(Uri baseUri, OktaEmulatorOptions options, DateTimeOffset now)
    {
        _baseUri = baseUri;
        for (var i = 0; i < options.UserCount; i++)
        {
            var status = i switch
            {
                _ when i % 11 == 10 => "DEPROVISIONED",
                _ when i % 7 == 6 => "STAGED",
                _ => "ACTIVE",
            };
            _users.Add(NewUser(FirstNames[i % FirstNames.Length], LastNames[(i / FirstNames.Length + i) % LastNames.Length] + (i >= 10 ? i.ToString(CultureInfo.InvariantCulture) : string.Empty), Departments[i % Departments.Length], status, Epoch.AddHours(i)));
        }

        for (var i = 0; i < options.GroupCount; i++)
        {
            var at = Stamp(Epoch.AddDays(-30).AddHours(i));
            _groups.Add(new JsonObject
            {
                ["id"] = Id("00g", i),
                ["created"] = at,
                ["lastUpdated"] = at,
                ["lastMembershipUpdated"] = at,
                ["objectClass"] = new JsonArray("okta:user_group"),
                ["type"] = i == 0 ? "BUILT_IN" : "OKTA_GROUP",
                ["profile"] = new JsonObject
                {
                    ["name"] = i == 0 ? "Everyone" : $"{Departments[i % Departments.Length]} team {i}",
                    ["description"] = i == 0 ? "All users in your organization" : $"Members of the {Departments[i % Departments.Length]} team",
                },
                ["_links"] = new JsonObject
                {
                    ["logo"] = new JsonArray(new JsonObject { ["name"] = "medium", ["href"] = "https://ok12static.oktacdn.com/assets/img/logos/groups/okta-medium.png", ["type"] = "image/png" }),
                    ["users"] = new JsonObject { ["href"] = Href($"/api/v1/groups/{Id("00g", i)}/users") },
                    ["apps"] = new JsonObject { ["href"] = Href($"/api/v1/groups/{Id("00g", i)}/apps") },
                },
            });
        }

        for (var i = 0; i < options.AppCount; i++)
        {
            var at = Stamp(Epoch.AddDays(-60).AddHours(i));
            var id = Id("0oa", i);
            _apps.Add(new JsonObject
            {
                ["id"] = id,
                ["orn"] = $"orn:okta:idp:00o1emulator:apps:bookmark:{id}",
                ["name"] = "bookmark",
                ["label"] = $"Intranet link {i}",
                ["status"] = i % 5 == 4 ? "INACTIVE" : "ACTIVE",
                ["lastUpdated"] = at,
                ["created"] = at,
                ["accessibility"] = new JsonObject { ["selfService"] = false },
                ["visibility"] = new JsonObject
                {
                    ["autoLaunch"] = false,
                    ["autoSubmitToolbar"] = false,
                    ["hide"] = new JsonObject { ["iOS"] = false, ["web"] = false },
                    ["appLinks"] = new JsonObject { ["login"] = true },
                },
                ["features"] = new JsonArray(),
                ["signOnMode"] = "BOOKMARK",
                ["credentials"] = new JsonObject
                {
                    ["userNameTemplate"] = new JsonObject { ["template"] = "${source.login}", ["type"] = "BUILT_IN" },
                    ["signing"] = new JsonObject(),
                },
                ["settings"] = new JsonObject
                {
                    ["app"] = new JsonObject { ["requestIntegration"] = false, ["url"] = $"https://intranet.example.com/{i}" },
                    ["notes"] = new JsonObject { ["admin"] = "Seeded by the QuantaSeal Okta emulator" },
                },
                ["_links"] = new JsonObject
                {
                    ["appLinks"] = new JsonArray(new JsonObject { ["name"] = "login", ["href"] = Href($"/home/bookmark/{id}/2557"), ["type"] = "text/html" }),
                    ["users"] = new JsonObject { ["href"] = Href($"/api/v1/apps/{id}/users") },
                    ["groups"] = new JsonObject { ["href"] = Href($"/api/v1/apps/{id}/groups") },
                    ["deactivate"] = new JsonObject { ["href"] = Href($"/api/v1/apps/{id}/lifecycle/deactivate") },
                },
            });
        }

        for (var i = 0; i < options.LogEventCount; i++)
        {
            var user = _users.Count > 0 ? _users[i % _users.Count] : null;
            // System Log queries default to the last 7 days, so the seeded events are recent.
            AddLog(EventTypes[i % EventTypes.Length], now.AddMinutes(-7 * (options.LogEventCount - i)), user);
        }
    }

    /// <summary>Users in id order.</summary>
    public IReadOnlyList<JsonObject> Users
    {
        get
        {
            lock (_gate)
            {
                return [.. _users.Select(u => (JsonObject)u.DeepClone())];
            }
        }
    }

    public IReadOnlyList<JsonObject> Groups
    {
        get
        {
            lock (_gate)
            {
                return [.. _groups.Select(g => (JsonObject)g.DeepClone())];
            }
        }
    }

    public IReadOnlyList<JsonObject> Apps
    {
        get
        {
            lock (_gate)
            {
                return [.. _apps.Select(a => (JsonObject)a.DeepClone())];
            }
        }
    }

    /// <summary>Log events in published order.</summary>
    public IReadOnlyList<JsonObject> Logs
    {
        get
        {
            lock (_gate)
            {
                return [.. _logs.Select(e => (JsonObject)e.DeepClone())];
            }
        }
    }

    /// <summary>A user by id, or by login (case-insensitive), as Okta's getUser resolves it.</summary>
    public JsonObject? FindUser(string idOrLogin)
    {
        lock (_gate)
        {
            var user = _users.FirstOrDefault(u => (string?)u["id"] == idOrLogin)
                ?? _users.FirstOrDefault(u => string.Equals((string?)u["profile"]?["login"], idOrLogin, StringComparison.OrdinalIgnoreCase));
            return (JsonObject?)user?.DeepClone();
        }
    }

    /// <summary>Creates a user; null and the cause when the login is taken.</summary>
    public JsonObject? CreateUser(JsonObject profile, bool activate, bool hasPassword, DateTimeOffset now, out string? conflict)
    {
        lock (_gate)
        {
            var login = (string?)profile["login"];
            if (_users.Any(u => string.Equals((string?)u["profile"]?["login"], login, StringComparison.OrdinalIgnoreCase)))
            {
                conflict = "login: An object with this field already exists in the current organization";
                return null;
            }

            conflict = null;
            var status = !activate ? "STAGED" : hasPassword ? "ACTIVE" : "PROVISIONED";
            var user = NewUser(null, null, null, status, now, (JsonObject)profile.DeepClone());
            if (!hasPassword)
            {
                user["credentials"]!.AsObject().Remove("password");
            }

            _users.Add(user);
            AddLog("user.lifecycle.create", now, user);
            return (JsonObject)user.DeepClone();
        }
    }

    /// <summary>Deactivates (deprovisions) a user; false when unknown.</summary>
    public bool Deactivate(string idOrLogin, DateTimeOffset now)
    {
        lock (_gate)
        {
            var user = _users.FirstOrDefault(u => (string?)u["id"] == idOrLogin)
                ?? _users.FirstOrDefault(u => string.Equals((string?)u["profile"]?["login"], idOrLogin, StringComparison.OrdinalIgnoreCase));
            if (user is null)
            {
                return false;
            }

            user["status"] = "DEPROVISIONED";
            user["statusChanged"] = Stamp(now);
            user["lastUpdated"] = Stamp(now);
            AddLog("user.lifecycle.deactivate", now, user);
            return true;
        }
    }

    public static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Id(string prefix, int index) => prefix + index.ToString("D6", CultureInfo.InvariantCulture) + "QsEmulat0r1";

    private string Href(string path) => new Uri(_baseUri, path).AbsoluteUri;

    private JsonObject NewUser(string? first, string? last, string? department, string status, DateTimeOffset at, JsonObject? profile = null)
    {
        var id = Id("00u", _nextUser++);
        if (profile is null)
        {
            var login = $"{first}.{last}@example.com".ToLowerInvariant();
            profile = new JsonObject
            {
                ["firstName"] = first,
                ["lastName"] = last,
                ["mobilePhone"] = null,
                ["secondEmail"] = null,
                ["login"] = login,
                ["email"] = login,
                ["department"] = department,
            };
        }

        var stamp = Stamp(at);
        return new JsonObject
        {
            ["id"] = id,
            ["status"] = status,
            ["created"] = stamp,
            ["activated"] = status == "STAGED" ? null : stamp,
            ["statusChanged"] = status == "ACTIVE" ? null : stamp,
            ["lastLogin"] = null,
            ["lastUpdated"] = stamp,
            ["passwordChanged"] = status == "ACTIVE" ? stamp : null,
            ["type"] = new JsonObject { ["id"] = "oty1emulatorDefault0" },
            ["profile"] = profile,
            ["credentials"] = new JsonObject
            {
                ["password"] = new JsonObject(),
                ["emails"] = new JsonArray(new JsonObject { ["value"] = (string?)profile["email"], ["status"] = "VERIFIED", ["type"] = "PRIMARY" }),
                ["provider"] = new JsonObject { ["type"] = "OKTA", ["name"] = "OKTA" },
            },
            ["_links"] = new JsonObject { ["self"] = new JsonObject { ["href"] = Href("/api/v1/users/" + id) } },
        };
    }

    private void AddLog(string eventType, DateTimeOffset at, JsonObject? user)
    {
        var index = _logs.Count;
        _logs.Add(WithoutNulls(new JsonObject
        {
            ["actor"] = new JsonObject
            {
                ["id"] = (string?)user?["id"] ?? "0oa1emulatorSystem01",
                ["type"] = user is null ? "PublicClientApp" : "User",
                ["alternateId"] = (string?)user?["profile"]?["login"] ?? "system",
                ["displayName"] = user is null ? "System" : $"{user["profile"]?["firstName"]} {user["profile"]?["lastName"]}",
                ["detailEntry"] = null,
            },
            ["client"] = new JsonObject
            {
                ["userAgent"] = new JsonObject { ["rawUserAgent"] = "Mozilla/5.0", ["os"] = "Linux", ["browser"] = "FIREFOX" },
                ["zone"] = "null",
                ["device"] = "Computer",
                ["id"] = null,
                ["ipAddress"] = "203.0.113." + (index % 250).ToString(CultureInfo.InvariantCulture),
                ["geographicalContext"] = new JsonObject { ["city"] = "Lisbon", ["state"] = "Lisbon", ["country"] = "Portugal", ["postalCode"] = null, ["geolocation"] = new JsonObject { ["lat"] = 38.7, ["lon"] = -9.1 } },
            },
            ["authenticationContext"] = new JsonObject { ["authenticationProvider"] = null, ["credentialProvider"] = null, ["credentialType"] = null, ["issuer"] = null, ["interface"] = null, ["authenticationStep"] = 0, ["externalSessionId"] = "idx" + index.ToString("D8", CultureInfo.InvariantCulture) },
            ["displayMessage"] = eventType switch
            {
                "user.session.start" => "User login to Okta",
                "user.lifecycle.create" => "Create okta user",
                "user.lifecycle.deactivate" => "Deactivate Okta user",
                _ => "Okta event",
            },
            ["eventType"] = eventType,
            ["outcome"] = new JsonObject { ["result"] = "SUCCESS", ["reason"] = null },
            ["published"] = Stamp(at),
            ["securityContext"] = new JsonObject { ["asNumber"] = null, ["asOrg"] = null, ["isp"] = null, ["domain"] = null, ["isProxy"] = null },
            ["severity"] = "INFO",
            ["debugContext"] = new JsonObject { ["debugData"] = new JsonObject { ["requestUri"] = "/api/v1/authn", ["threatSuspected"] = "false" } },
            ["legacyEventType"] = "core.user_auth.login_success",
            ["transaction"] = new JsonObject { ["type"] = "WEB", ["id"] = "Wtx" + index.ToString("D8", CultureInfo.InvariantCulture), ["detail"] = new JsonObject() },
            ["uuid"] = new Guid(index, 0x1e57, 0x4a11, 0x90, 0x2e, 0x0b, 0x4c, 0x7a, 0x15, 0xe5, 0x01).ToString(),
            ["version"] = "0",
            ["request"] = new JsonObject { ["ipChain"] = new JsonArray() },
            ["target"] = user is null
                ? new JsonArray()
                : new JsonArray(new JsonObject { ["id"] = (string?)user["id"], ["type"] = "User", ["alternateId"] = (string?)user["profile"]?["login"], ["displayName"] = (string?)user["profile"]?["firstName"], ["detailEntry"] = null }),
        }));
    }

    /// <summary>
    /// Real System Log events carry many nulls, but the published LogEvent schema declares none of them nullable; the
    /// emulator keeps to the schema (the conformance test holds it to that) and leaves the nulls out.
    /// </summary>
    private static JsonObject WithoutNulls(JsonObject node)
    {
        foreach (var name in node.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            node.Remove(name);
        }

        foreach (var child in node.Select(p => p.Value).ToList())
        {
            if (child is JsonObject o)
            {
                WithoutNulls(o);
            }
            else if (child is JsonArray a)
            {
                foreach (var item in a.OfType<JsonObject>())
                {
                    WithoutNulls(item);
                }
            }
        }

        return node;
    }
}
