using System.Buffers.Text;
using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace QuantaSeal.Emulators.Okta;

/// <summary>
/// A local Okta org for tests and the README demo: the org authorization server (<c>/oauth2/v1/token</c>, client
/// credentials with <c>private_key_jwt</c>, DPoP with nonces) and the Management API v1 operations QuantaSeal proxies
/// (users, groups, apps, System Log) on seeded in-memory data, with Okta's cursor paging (<c>Link</c>), rate-limit
/// headers and error objects. Knobs inject 429s, 5xx, latency, expiry, revocation and key rotation at runtime; the
/// request log lets a test prove what reached (or never reached) the upstream.
/// </summary>
public sealed class OktaEmulator : IAsyncDisposable
{
    private readonly ConcurrentQueue<OktaRecordedRequest> _requests = new();
    private readonly object _rateGate = new();
    private WebApplication? _app;
    private OktaAuthServer _auth = null!;
    private OktaManagementApi _api = null!;
    private OktaServiceApp _serviceApp = null!;
    private string? _apiToken;
    private int _failApi;
    private int _failApiStatus = 500;
    private int _failToken;
    private int _failTokenStatus = 500;
    private int _rateLimitApi;
    private long _retryAfterSeconds = 1;
    private int _rateLimitToken;
    private long _tokenResetSeconds = 1;
    private int _tokenSendsRetryAfter;
    private long _latencyTicks;
    private long _tokenLifetimeTicks;
    private int _issuedTokens;
    private long _window;
    private int _windowCount;
    private volatile bool _resourceNonce;

    private OktaEmulator(OktaEmulatorOptions options)
    {
        Options = options;
        _tokenLifetimeTicks = options.TokenLifetime.Ticks;
        _resourceNonce = options.ResourceServerRequiresDpopNonce;
    }

    /// <summary>The options it started with.</summary>
    public OktaEmulatorOptions Options { get; }

    /// <summary>Base URI (scheme, host, port), e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The seeded SSWS API token (test value, random per start).</summary>
    public string ApiToken { get; private set; } = null!;

    /// <summary>The seeded service app's client id (private_key_jwt, granted <see cref="OktaEmulatorOptions.ServiceAppScopes"/>).</summary>
    public string ServiceAppClientId { get; private set; } = null!;

    /// <summary>The service app's current private key as PKCS#8 PEM (test key, generated per start and on rotation).</summary>
    public string ServiceAppPrivateKeyPem { get; private set; } = null!;

    /// <summary>The <c>kid</c> of the service app's current key.</summary>
    public string ServiceAppKeyId { get; private set; } = null!;

    /// <summary>A client-secret app (Okta refuses it for okta.* scopes on the org authorization server).</summary>
    public string SecretAppClientId { get; private set; } = null!;

    /// <summary>The client-secret app's secret (test value).</summary>
    public string SecretAppClientSecret { get; private set; } = null!;

    /// <summary>Access token lifetime for tokens issued from now on.</summary>
    public TimeSpan TokenLifetime
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _tokenLifetimeTicks));
        set => Interlocked.Exchange(ref _tokenLifetimeTicks, value.Ticks);
    }

    /// <summary>Delay added to every request (real time).</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    /// <summary>Whether the seeded service app requires DPoP at the token endpoint.</summary>
    public bool ServiceAppRequiresDpop
    {
        get => _serviceApp.RequireDpop;
        set => _serviceApp.RequireDpop = value;
    }

    /// <summary>Whether the management API demands a DPoP nonce (401 <c>use_dpop_nonce</c> with <c>DPoP-Nonce</c>).</summary>
    public bool ResourceServerRequiresDpopNonce
    {
        get => _resourceNonce;
        set => _resourceNonce = value;
    }

    /// <summary>Everything the emulator received, in order.</summary>
    public IReadOnlyList<OktaRecordedRequest> Requests => [.. _requests];

    /// <summary>Token endpoint calls received.</summary>
    public int TokenRequestCount => _requests.Count(r => r.IsTokenRequest);

    /// <summary>Management API calls received.</summary>
    public int ApiRequestCount => _requests.Count(r => !r.IsTokenRequest);

    /// <summary>Access tokens issued.</summary>
    public int IssuedTokenCount => Volatile.Read(ref _issuedTokens);

    /// <summary>The seeded users (a snapshot), for assertions.</summary>
    public IReadOnlyList<System.Text.Json.Nodes.JsonObject> Users => _api.Directory.Users;

    internal string? ApiTokenForCheck => Volatile.Read(ref _apiToken);

    /// <summary>Starts an emulator on Kestrel (127.0.0.1, a free port unless <see cref="OktaEmulatorOptions.Url"/> says otherwise).</summary>
    public static async Task<OktaEmulator> StartAsync(OktaEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new OktaEmulatorOptions();
        var emulator = new OktaEmulator(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var app = builder.Build();
        emulator._app = app;
        app.Use(emulator.FrontAsync);
        emulator.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.BaseUri = new Uri(new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).GetLeftPart(UriPartial.Authority) + "/");
        emulator.Seed();
        return emulator;
    }

    /// <summary>
    /// The standalone <c>okta</c> command for the README demo. Prints the base URL, the API token and the service app's
    /// client id, and writes the app's private key PEM to <c>--key-file</c> (mode 0600). Runs until Ctrl+C.
    /// </summary>
    public static Command CreateCommand()
    {
        var urls = new Option<string>("--urls") { Description = "Address to listen on.", DefaultValueFactory = _ => "http://127.0.0.1:4020" };
        var keyFile = new Option<string>("--key-file") { Description = "Where to write the service app's private key (PEM).", DefaultValueFactory = _ => "okta-emulator-service-app.pem" };
        var requireDpop = new Option<bool>("--require-dpop") { Description = "The service app requires DPoP-bound tokens." };
        var tokenLifetime = EmulatorProgram.TokenLifetimeOption();
        var command = new Command("okta", "A local Okta org: the org authorization server's token endpoint and the Management API v1 operations QuantaSeal uses.")
        {
            urls, keyFile, requireDpop, tokenLifetime,
        };
        command.SetAction((parse, _) =>
        {
            var options = new OktaEmulatorOptions { Url = parse.GetValue(urls)!, ServiceAppRequiresDpop = parse.GetValue(requireDpop) };
            options.TokenLifetime = parse.GetValue(tokenLifetime) is { } seconds ? TimeSpan.FromSeconds(seconds) : options.TokenLifetime;
            return RunAsync(options, Path.GetFullPath(parse.GetValue(keyFile)!));
        });
        return command;
    }

    private static async Task<int> RunAsync(OktaEmulatorOptions options, string keyFile)
    {
        await using var emulator = await StartAsync(options).ConfigureAwait(false);
        await File.WriteAllTextAsync(keyFile, emulator.ServiceAppPrivateKeyPem).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Console.WriteLine($"Okta emulator listening on {emulator.BaseUri}");
        Console.WriteLine($"  API token (api_key, SSWS):       {emulator.ApiToken}");
        Console.WriteLine($"  service app client_id:           {emulator.ServiceAppClientId}");
        Console.WriteLine($"  service app key id (kid):        {emulator.ServiceAppKeyId}");
        Console.WriteLine($"  service app private key (PEM):   {keyFile}");
        Console.WriteLine($"  service app requires DPoP:       {(options.ServiceAppRequiresDpop ? "yes" : "no")}");
        Console.WriteLine("  (test credentials, generated for this run; Ctrl+C stops)");
        await emulator._app!.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>Revokes the API token: SSWS calls get 401 E0000011 from now on.</summary>
    public void RevokeApiToken() => Volatile.Write(ref _apiToken, null);

    /// <summary>Replaces the service app's key: assertions signed with the old key are refused (invalid_client). Returns the new PEM.</summary>
    public string RotateServiceAppKey()
    {
        var (pem, jwk, kid) = NewRsaKey();
        _serviceApp.Keys = [jwk];
        ServiceAppPrivateKeyPem = pem;
        ServiceAppKeyId = kid;
        return pem;
    }

    /// <summary>Sets the scopes granted to the seeded service app (requests for others get invalid_scope).</summary>
    public void SetServiceAppScopes(params string[] scopes) => _serviceApp.Scopes = [.. scopes];

    /// <summary>Registers another private_key_jwt service app with a public JWK (JSON), e.g. an EC key a test made.</summary>
    public void RegisterServiceApp(string clientId, string publicJwkJson, bool requireDpop = false, IEnumerable<string>? scopes = null)
    {
        var app = new OktaServiceApp(clientId) { RequireDpop = requireDpop, Scopes = [.. scopes ?? OktaEmulatorOptions.AllScopes] };
        app.Keys = [new JsonWebKey(publicJwkJson)];
        _auth.Apps[clientId] = app;
    }

    /// <summary>The next <paramref name="count"/> management API requests fail with <paramref name="statusCode"/> (500 E0000009, 503 E0000010).</summary>
    public void FailNextRequests(int count, int statusCode = 500)
    {
        Volatile.Write(ref _failApiStatus, statusCode);
        Volatile.Write(ref _failApi, count);
    }

    /// <summary>The next <paramref name="count"/> token requests fail with <paramref name="statusCode"/>.</summary>
    public void FailNextTokenRequests(int count, int statusCode = 500)
    {
        Volatile.Write(ref _failTokenStatus, statusCode);
        Volatile.Write(ref _failToken, count);
    }

    /// <summary>The next <paramref name="count"/> management API requests get 429 E0000047 with Retry-After and X-Rate-Limit-Reset.</summary>
    public void RateLimitNextRequests(int count, TimeSpan? retryAfter = null)
    {
        Interlocked.Exchange(ref _retryAfterSeconds, (long)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        Volatile.Write(ref _rateLimitApi, count);
    }

    /// <summary>
    /// The next <paramref name="count"/> token requests get what a rate-limited Okta org answers: 429 with the
    /// E0000047 error object and <c>X-Rate-Limit-Limit/-Remaining/-Reset</c>, the reset <paramref name="resetIn"/>
    /// (default 1 s) from now; with <paramref name="sendRetryAfter"/> also <c>Retry-After</c> in seconds.
    /// </summary>
    public void RateLimitNextTokenRequests(int count, TimeSpan? resetIn = null, bool sendRetryAfter = false)
    {
        Interlocked.Exchange(ref _tokenResetSeconds, (long)Math.Ceiling((resetIn ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        Volatile.Write(ref _tokenSendsRetryAfter, sendRetryAfter ? 1 : 0);
        Volatile.Write(ref _rateLimitToken, count);
    }

    /// <summary>Issues new DPoP nonces: the next proof with the old nonce gets use_dpop_nonce.</summary>
    public void RotateDpopNonces()
    {
        _auth.AuthorizationServerNonce = OktaAuthServer.NewNonce();
        _auth.ResourceServerNonce = OktaAuthServer.NewNonce();
    }

    /// <summary>Forgets the request log.</summary>
    public void ClearRequests() => _requests.Clear();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    internal void CountIssuedToken() => Interlocked.Increment(ref _issuedTokens);

    private static (string Pem, JsonWebKey Jwk, string Kid) NewRsaKey()
    {
        using var rsa = RSA.Create(2048);
        var kid = "qs-emu-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)));
        jwk.KeyId = kid;
        return (rsa.ExportPkcs8PrivateKeyPem(), jwk, kid);
    }

    private static int TakeOne(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return 0;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return 1;
            }
        }
    }

    private void Seed()
    {
        ApiToken = "00" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(30));
        _apiToken = ApiToken;
        _auth = new OktaAuthServer(this, Options.TimeProvider);
        _api = new OktaManagementApi(this, _auth, new OktaDirectory(BaseUri, Options, Options.TimeProvider.GetUtcNow()), Options.TimeProvider);

        ServiceAppClientId = "0oa" + Convert.ToHexString(RandomNumberGenerator.GetBytes(9)).ToLowerInvariant()[..17];
        _serviceApp = new OktaServiceApp(ServiceAppClientId) { RequireDpop = Options.ServiceAppRequiresDpop, Scopes = [.. Options.ServiceAppScopes] };
        _auth.Apps[ServiceAppClientId] = _serviceApp;
        RotateServiceAppKey();

        SecretAppClientId = "0oa" + Convert.ToHexString(RandomNumberGenerator.GetBytes(9)).ToLowerInvariant()[..17];
        SecretAppClientSecret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(30));
        _auth.Apps[SecretAppClientId] = new OktaServiceApp(SecretAppClientId) { ClientSecret = SecretAppClientSecret, Scopes = [.. OktaEmulatorOptions.AllScopes] };
    }

    private void Map(WebApplication app)
    {
        app.MapPost("/oauth2/v1/token", context => _auth.HandleTokenAsync(context));
        app.MapGet("/api/v1/users", context => _api.ListUsersAsync(context));
        app.MapPost("/api/v1/users", context => _api.CreateUserAsync(context));
        app.MapGet("/api/v1/users/{id}", context => _api.GetUserAsync(context));
        app.MapPost("/api/v1/users/{id}/lifecycle/deactivate", context => _api.DeactivateUserAsync(context));
        app.MapGet("/api/v1/groups", context => _api.ListGroupsAsync(context));
        app.MapGet("/api/v1/apps", context => _api.ListAppsAsync(context));
        app.MapGet("/api/v1/logs", context => _api.ListLogsAsync(context));
        app.MapFallback(context => OktaErrors.ApiAsync(context, 404, "E0000007", "Not found: Resource not found"));
    }

    /// <summary>Request log, latency, injected faults and the per-minute rate limit, before any endpoint runs.</summary>
    private async Task FrontAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        string? body = null;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            request.EnableBuffering();
            using var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true);
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            request.Body.Position = 0;
        }

        var authorization = request.Headers.Authorization.ToString();
        var scheme = authorization.Length == 0 ? null : authorization.Split(' ', 2)[0];
        var isToken = request.Path.StartsWithSegments("/oauth2", StringComparison.Ordinal);
        // The raw target keeps the path exactly as the client escaped it.
        var rawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? request.Path.ToUriComponent();
        var rawPath = rawTarget.Split('?', 2)[0];
        _requests.Enqueue(new OktaRecordedRequest(request.Method, rawPath, request.QueryString.Value ?? string.Empty, scheme, request.Headers.ContainsKey("DPoP"), body));

        var latency = Latency;
        if (latency > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (isToken)
        {
            if (TakeOne(ref _rateLimitToken) == 1)
            {
                var resetIn = Interlocked.Read(ref _tokenResetSeconds);
                var tokenHeaders = context.Response.Headers;
                tokenHeaders["X-Rate-Limit-Limit"] = Options.RateLimitPerMinute.ToString(CultureInfo.InvariantCulture);
                tokenHeaders["X-Rate-Limit-Remaining"] = "0";
                tokenHeaders["X-Rate-Limit-Reset"] = (Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds() + resetIn).ToString(CultureInfo.InvariantCulture);
                if (Volatile.Read(ref _tokenSendsRetryAfter) == 1)
                {
                    tokenHeaders.RetryAfter = resetIn.ToString(CultureInfo.InvariantCulture);
                }

                await OktaErrors.ApiAsync(context, 429, "E0000047", "API call exceeded rate limit due to too many requests.").ConfigureAwait(false);
                return;
            }

            if (TakeOne(ref _failToken) == 1)
            {
                await OktaErrors.OAuthAsync(context, Volatile.Read(ref _failTokenStatus), "server_error", "The authorization server encountered an unexpected error.").ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
            return;
        }

        var (limit, remaining, reset) = CountRequest();
        var headers = context.Response.Headers;
        headers["X-Rate-Limit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["X-Rate-Limit-Remaining"] = Math.Max(0, remaining).ToString(CultureInfo.InvariantCulture);
        headers["X-Rate-Limit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
        if (TakeOne(ref _rateLimitApi) == 1 || remaining < 0)
        {
            headers["X-Rate-Limit-Remaining"] = "0";
            var retryAfter = remaining < 0 ? Math.Max(1, reset - Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds()) : Interlocked.Read(ref _retryAfterSeconds);
            headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            if (remaining >= 0)
            {
                headers["X-Rate-Limit-Reset"] = (Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds() + retryAfter).ToString(CultureInfo.InvariantCulture);
            }

            await OktaErrors.ApiAsync(context, 429, "E0000047", "API call exceeded rate limit due to too many requests.").ConfigureAwait(false);
            return;
        }

        if (TakeOne(ref _failApi) == 1)
        {
            var status = Volatile.Read(ref _failApiStatus);
            await OktaErrors.ApiAsync(context, status, status == 503 ? "E0000010" : "E0000009", status == 503 ? "Service is temporarily unavailable" : "Internal Server Error").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private (int Limit, int Remaining, long Reset) CountRequest()
    {
        var now = Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        var window = now / 60;
        lock (_rateGate)
        {
            if (window != _window)
            {
                _window = window;
                _windowCount = 0;
            }

            _windowCount++;
            return (Options.RateLimitPerMinute, Options.RateLimitPerMinute - _windowCount, (window + 1) * 60);
        }
    }
}
