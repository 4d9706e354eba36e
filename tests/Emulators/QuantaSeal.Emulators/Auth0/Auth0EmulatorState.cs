using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace QuantaSeal.Emulators.Auth0;

/// <summary>
/// The emulator's tenant: data, registered clients, knobs and the request log. Every member is safe to call from
/// request threads and from the test at once (one lock; data handed out as deep copies).
/// </summary>
internal sealed class Auth0EmulatorState
{
    private readonly Lock _gate = new();
    private readonly List<Auth0RecordedRequest> _requests = [];
    private readonly Dictionary<string, ClientRecord> _clients = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _users;
    private readonly List<JsonObject> _logs;
    private readonly List<JsonObject> _applications;
    private readonly List<JsonObject> _customGrants;
    private readonly List<JsonObject> _resourceServers;
    private readonly List<JsonObject> _roles;
    private readonly List<JsonObject> _connections;
    private readonly List<JsonObject> _actions;
    private long _sequence;
    private long _createdUsers;
    private TimeSpan _tokenLifetime;
    private TimeSpan _latency;
    private (int Count, TimeSpan RetryAfter, Auth0FaultTarget Target) _rateLimitFault;
    private bool _rateLimitSendsRetryAfter = true;
    private (int Count, int Status, Auth0FaultTarget Target) _failureFault;
    private long _window;
    private int _windowCount;

    public Auth0EmulatorState(Auth0EmulatorOptions options, string audience, string hostname)
    {
        Time = options.TimeProvider;
        Audience = audience;
        RateLimitPerSecond = Math.Max(1, options.RateLimitPerSecond);
        EnforceRateLimit = options.EnforceRateLimit;
        _tokenLifetime = options.TokenLifetime;
        var secret = options.ClientSecret ?? NewSecret();
        _clients[options.ClientId] = new ClientRecord("QuantaSeal emulator M2M", secret, [.. options.GrantedScopes ?? Auth0Scopes.Default], AllowClientCredentials: true);
        _users = Auth0SeedData.Users(Math.Max(0, options.UserCount));
        _logs = Auth0SeedData.Logs(Math.Max(0, options.LogCount), _users, options.ClientId, hostname, audience);
        _applications = Auth0SeedData.Applications();
        _customGrants = Auth0SeedData.CustomApiGrants();
        _resourceServers = Auth0SeedData.ResourceServers(audience, Auth0Scopes.All);
        _roles = Auth0SeedData.Roles();
        _connections = Auth0SeedData.ConnectionObjects();
        _actions = Auth0SeedData.Actions();
    }

    public TimeProvider Time { get; }

    public string Audience { get; }

    public int RateLimitPerSecond { get; }

    public bool EnforceRateLimit { get; }

    public TimeSpan TokenLifetime
    {
        get { lock (_gate) { return _tokenLifetime; } }
        set { lock (_gate) { _tokenLifetime = value; } }
    }

    public TimeSpan Latency
    {
        get { lock (_gate) { return _latency; } }
        set { lock (_gate) { _latency = value < TimeSpan.Zero ? TimeSpan.Zero : value; } }
    }

    /// <summary>Management answers send their headers and one byte of body, then stall until the caller gives up.</summary>
    public bool StallBody
    {
        get { lock (_gate) { return _stallBody; } }
        set { lock (_gate) { _stallBody = value; } }
    }

    /// <summary>Stalled answers whose caller went away.</summary>
    public int StalledAbandoned
    {
        get { lock (_gate) { return _stalledAbandoned; } }
    }

    public void CountStalledAbandoned()
    {
        lock (_gate)
        {
            _stalledAbandoned++;
        }
    }

    private bool _stallBody;
    private int _stalledAbandoned;
    private TaskCompletionSource? _overlapGate;
    private int _overlapWanted;
    private int _overlapArrived;

    /// <summary>From now on, management requests wait until <paramref name="count"/> of them are in flight together (0: no gate).</summary>
    public void HoldUntilOverlapping(int count)
    {
        lock (_gate)
        {
            _overlapGate?.TrySetResult();
            _overlapGate = count > 0 ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
            _overlapWanted = count;
            _overlapArrived = 0;
        }
    }

    /// <summary>A management request arrived: the gate it waits at (completed once enough overlap), or null when none is set.</summary>
    public Task? ArriveAtOverlapGate()
    {
        lock (_gate)
        {
            if (_overlapGate is not { } gate)
            {
                return null;
            }

            if (++_overlapArrived >= _overlapWanted)
            {
                gate.TrySetResult();
                _overlapGate = null;
            }

            return gate.Task;
        }
    }

    // ---- clients -------------------------------------------------------------------------------------------------

    public Auth0EmulatorClient Client(string clientId)
    {
        lock (_gate)
        {
            var record = _clients[clientId];
            return new Auth0EmulatorClient(clientId, record.Secret, record.Scopes);
        }
    }

    public Auth0EmulatorClient AddClient(string name, IEnumerable<string> scopes, bool allowClientCredentials)
    {
        lock (_gate)
        {
            var clientId = "qsEmuM2M" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
            var record = new ClientRecord(name, NewSecret(), [.. scopes], allowClientCredentials);
            _clients[clientId] = record;
            return new Auth0EmulatorClient(clientId, record.Secret, record.Scopes);
        }
    }

    public string RotateSecret(string clientId)
    {
        lock (_gate)
        {
            var secret = NewSecret();
            _clients[clientId] = _clients[clientId] with { Secret = secret };
            return secret;
        }
    }

    public void SetScopes(string clientId, IEnumerable<string> scopes)
    {
        lock (_gate)
        {
            _clients[clientId] = _clients[clientId] with { Scopes = [.. scopes] };
        }
    }

    public ClientRecord? FindClient(string clientId)
    {
        lock (_gate)
        {
            return _clients.GetValueOrDefault(clientId);
        }
    }

    // ---- faults and rate limits -------------------------------------------------------------------------------------

    public void RateLimitNext(int count, TimeSpan retryAfter, Auth0FaultTarget target, bool sendRetryAfter)
    {
        lock (_gate)
        {
            _rateLimitFault = (Math.Max(0, count), retryAfter, target);
            _rateLimitSendsRetryAfter = sendRetryAfter;
        }
    }

    /// <summary>Whether a <see cref="RateLimitNext"/> 429 carries <c>Retry-After</c> besides <c>x-ratelimit-reset</c>.</summary>
    public bool RateLimitSendsRetryAfter
    {
        get
        {
            lock (_gate)
            {
                return _rateLimitSendsRetryAfter;
            }
        }
    }

    public void FailNext(int count, int status, Auth0FaultTarget target)
    {
        lock (_gate)
        {
            _failureFault = (Math.Max(0, count), status, target);
        }
    }

    /// <summary>Takes the next pending fault that applies to this request, if any.</summary>
    public (int Status, TimeSpan? RetryAfter)? TakeFault(bool isToken)
    {
        lock (_gate)
        {
            if (_rateLimitFault.Count > 0 && Applies(_rateLimitFault.Target, isToken))
            {
                _rateLimitFault.Count--;
                return (429, _rateLimitFault.RetryAfter);
            }

            if (_failureFault.Count > 0 && Applies(_failureFault.Target, isToken))
            {
                _failureFault.Count--;
                return (_failureFault.Status, null);
            }

            return null;
        }
    }

    /// <summary>Counts the request in the current one-second window: (limit, remaining, reset unix seconds, over the limit).</summary>
    public (int Limit, int Remaining, long Reset, bool Over) CountInWindow()
    {
        var now = Time.GetUtcNow().ToUnixTimeSeconds();
        lock (_gate)
        {
            if (now != _window)
            {
                _window = now;
                _windowCount = 0;
            }

            _windowCount++;
            return (RateLimitPerSecond, Math.Max(0, RateLimitPerSecond - _windowCount), now + 1, _windowCount > RateLimitPerSecond);
        }
    }

    // ---- request log -------------------------------------------------------------------------------------------

    public void Record(string method, string path, string query, string? tokenId, IReadOnlyList<string> bodyMembers)
    {
        lock (_gate)
        {
            _requests.Add(new Auth0RecordedRequest(++_sequence, Time.GetUtcNow(), method, path, query, tokenId, bodyMembers));
        }
    }

    public IReadOnlyList<Auth0RecordedRequest> Requests()
    {
        lock (_gate)
        {
            return [.. _requests];
        }
    }

    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    // ---- data --------------------------------------------------------------------------------------------------------

    public List<JsonObject> Users() => Snapshot(_users);

    public List<JsonObject> Logs() => Snapshot(_logs);

    public List<JsonObject> ResourceServers() => Snapshot(_resourceServers);

    public List<JsonObject> Roles() => Snapshot(_roles);

    public List<JsonObject> Connections() => Snapshot(_connections);

    public List<JsonObject> Actions() => Snapshot(_actions);

    /// <summary>The applications: the seeded ones and every registered M2M client (secrets included; the API strips them).</summary>
    public List<JsonObject> Applications()
    {
        lock (_gate)
        {
            var list = _applications.Select(a => (JsonObject)a.DeepClone()).ToList();
            foreach (var (clientId, record) in _clients)
            {
                var app = Auth0SeedData.M2MApplication(new Auth0EmulatorClient(clientId, record.Secret, record.Scopes), record.Name);
                app["client_secret"] = record.Secret;
                list.Add(app);
            }

            return list;
        }
    }

    /// <summary>The client grants: the seeded ones and one per registered client for the Management API.</summary>
    public List<JsonObject> Grants()
    {
        lock (_gate)
        {
            var list = _customGrants.Select(g => (JsonObject)g.DeepClone()).ToList();
            var n = 0;
            foreach (var (clientId, record) in _clients)
            {
                if (record.Scopes.Count > 0)
                {
                    list.Add(Auth0SeedData.Grant("cgr_m2m" + (++n).ToString("D13", System.Globalization.CultureInfo.InvariantCulture), clientId, Audience, record.Scopes));
                }
            }

            return list;
        }
    }

    public JsonObject? FindUser(string userId)
    {
        lock (_gate)
        {
            return (JsonObject?)_users.Find(u => Is(u, userId))?.DeepClone();
        }
    }

    /// <summary>Adds a user unless one with the same email exists in the connection; null on conflict.</summary>
    public JsonObject? AddUser(Func<string, JsonObject> build, string connection, string? email)
    {
        lock (_gate)
        {
            if (email is not null && _users.Exists(u =>
                    string.Equals((string?)u["email"], email, StringComparison.OrdinalIgnoreCase)
                    && string.Equals((string?)u["identities"]?[0]?["connection"], connection, StringComparison.Ordinal)))
            {
                return null;
            }

            var user = build(Auth0SeedData.HexId(1_000_000 + ++_createdUsers));
            _users.Add(user);
            return (JsonObject)user.DeepClone();
        }
    }

    /// <summary>Applies <paramref name="update"/> to a copy of the user and stores it; null when there is no such user.</summary>
    public JsonObject? UpdateUser(string userId, Action<JsonObject> update)
    {
        lock (_gate)
        {
            var index = _users.FindIndex(u => Is(u, userId));
            if (index < 0)
            {
                return null;
            }

            var copy = (JsonObject)_users[index].DeepClone();
            update(copy);
            _users[index] = copy;
            return (JsonObject)copy.DeepClone();
        }
    }

    public bool DeleteUser(string userId)
    {
        lock (_gate)
        {
            return _users.RemoveAll(u => Is(u, userId)) > 0;
        }
    }

    private List<JsonObject> Snapshot(List<JsonObject> source)
    {
        lock (_gate)
        {
            return [.. source.Select(o => (JsonObject)o.DeepClone())];
        }
    }

    private static bool Is(JsonObject user, string userId) =>
        string.Equals((string?)user["user_id"], userId, StringComparison.Ordinal);

    private static bool Applies(Auth0FaultTarget target, bool isToken) => target switch
    {
        Auth0FaultTarget.Any => true,
        Auth0FaultTarget.Token => isToken,
        _ => !isToken,
    };

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    /// <summary>A registered application.</summary>
    internal sealed record ClientRecord(string Name, string Secret, IReadOnlyList<string> Scopes, bool AllowClientCredentials);
}
