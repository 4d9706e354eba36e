using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace QuantaSeal.Emulators.Auth0;

/// <summary>
/// A local Auth0 tenant: <c>POST /oauth/token</c> (client credentials, RS256 JWTs it signs and checks) and the
/// Management API v2 operations QuantaSeal uses, on seeded in-memory data with Auth0's paging, rate-limit headers and
/// error bodies. Knobs change its behaviour at run time; <see cref="Requests"/> records what reached it.
/// <code>
/// await using var auth0 = await Auth0Emulator.StartAsync();
/// // domain: auth0.BaseUri, credentials: auth0.ClientId / auth0.ClientSecret, audience: auth0.Audience
/// auth0.RateLimitNext(2, TimeSpan.FromSeconds(30));
/// </code>
/// </summary>
public sealed class Auth0Emulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Auth0EmulatorState _state;
    private readonly Auth0TokenIssuer _issuer;
    private readonly CancellationTokenSource _stopping;
    private readonly string _clientId;
    private int _disposed;

    private Auth0Emulator(WebApplication app, Auth0EmulatorState state, Auth0TokenIssuer issuer, CancellationTokenSource stopping, Uri baseUri, string clientId)
    {
        _app = app;
        _state = state;
        _issuer = issuer;
        _stopping = stopping;
        BaseUri = baseUri;
        _clientId = clientId;
    }

    /// <summary>Scheme, host and port (<c>http://127.0.0.1:PORT/</c>): the integration's <c>domain</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The Management API identifier tokens are issued for (<c>{BaseUri}api/v2/</c> unless configured).</summary>
    public string Audience => _state.Audience;

    /// <summary>The seeded M2M application.</summary>
    public Auth0EmulatorClient Client => _state.Client(_clientId);

    /// <summary>The seeded M2M application's client id.</summary>
    public string ClientId => _clientId;

    /// <summary>The seeded M2M application's current secret.</summary>
    public string ClientSecret => Client.ClientSecret;

    /// <summary>Lifetime of tokens issued from now on (<c>expires_in</c>).</summary>
    public TimeSpan TokenLifetime
    {
        get => _state.TokenLifetime;
        set => _state.TokenLifetime = value;
    }

    /// <summary>Delay added to every request before it is answered (real time, to exercise callers' timeouts).</summary>
    public TimeSpan Latency
    {
        get => _state.Latency;
        set => _state.Latency = value;
    }

    /// <summary>
    /// Management answers send 200, their headers and the first byte of a JSON body, then drip nothing more until the
    /// caller goes away (a slow-body upstream). Token requests are answered normally.
    /// </summary>
    public bool StallBody
    {
        get => _state.StallBody;
        set => _state.StallBody = value;
    }

    /// <summary>How many stalled answers (<see cref="StallBody"/>) their caller abandoned.</summary>
    public int StalledAbandoned => _state.StalledAbandoned;

    /// <summary>
    /// Management requests from now on are answered only once <paramref name="count"/> of them are in flight together
    /// (0 lifts the gate): a caller that sends them one after another never gets an answer before its own timeout.
    /// </summary>
    public void HoldUntilOverlapping(int count) => _state.HoldUntilOverlapping(count);

    /// <summary>Every request received so far, in arrival order (a snapshot).</summary>
    public IReadOnlyList<Auth0RecordedRequest> Requests => _state.Requests();

    /// <summary>How many token requests arrived.</summary>
    public int TokenRequestCount => Requests.Count(r => r.IsTokenRequest);

    /// <summary>How many Management API requests arrived.</summary>
    public int ManagementRequestCount => Requests.Count(r => r.IsManagementRequest);

    /// <summary>Starts an emulator on Kestrel (loopback, a free port unless <see cref="Auth0EmulatorOptions.Url"/> says otherwise).</summary>
    public static async Task<Auth0Emulator> StartAsync(Auth0EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new Auth0EmulatorOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Url);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var stopping = new CancellationTokenSource();
        Auth0EmulatorState? state = null;
        Auth0Api? api = null;
        app.Run(context =>
        {
            if (api is null)
            {
                // Only between Kestrel starting and the tenant being built: the address is not published yet.
                context.Response.StatusCode = 503;
                return Task.CompletedTask;
            }

            return api.HandleAsync(context);
        });
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var baseUri = new Uri(address.TrimEnd('/') + "/");
            var audience = options.Audience ?? baseUri.AbsoluteUri + "api/v2/";
            state = new Auth0EmulatorState(options, audience, baseUri.Authority);
            var issuer = new Auth0TokenIssuer(baseUri.AbsoluteUri, audience, options.TimeProvider);
            api = new Auth0Api(state, issuer, stopping.Token);
            return new Auth0Emulator(app, state, issuer, stopping, baseUri, options.ClientId);
        }
        catch
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            stopping.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The standalone <c>auth0</c> command (<c>QuantaSeal.Emulators auth0 --urls http://127.0.0.1:4010</c>): runs until
    /// Ctrl+C and prints the seeded credentials.
    /// </summary>
    public static Command CreateCommand()
    {
        var urls = new Option<string>("--urls") { Description = "Address to listen on (the first of a ;-separated list).", DefaultValueFactory = _ => "http://127.0.0.1:4010" };
        var clientId = new Option<string?>("--client-id") { Description = "client_id of the seeded M2M application." };
        var clientSecret = new Option<string?>("--client-secret") { Description = "Its client_secret (default: generated for this run)." };
        var tokenLifetime = EmulatorProgram.TokenLifetimeOption();
        var latency = EmulatorProgram.AtLeast(new Option<int>("--latency-ms") { Description = "Delay added to every request, in milliseconds." }, 0, "--latency-ms must not be negative");
        var command = new Command("auth0", "A local Auth0 tenant: the token endpoint and the Management API v2 operations QuantaSeal uses.")
        {
            urls, clientId, clientSecret, tokenLifetime, latency,
        };
        command.SetAction((parse, _) =>
        {
            var options = new Auth0EmulatorOptions { Url = parse.GetValue(urls)!.Split(';')[0], ClientSecret = parse.GetValue(clientSecret) };
            options.ClientId = parse.GetValue(clientId) ?? options.ClientId;
            options.TokenLifetime = parse.GetValue(tokenLifetime) is { } seconds ? TimeSpan.FromSeconds(seconds) : options.TokenLifetime;
            return RunAsync(options, TimeSpan.FromMilliseconds(parse.GetValue(latency)));
        });
        return command;
    }

    private static async Task<int> RunAsync(Auth0EmulatorOptions options, TimeSpan latency)
    {
        Auth0Emulator emulator;
        try
        {
            emulator = await StartAsync(options).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync("auth0 emulator: cannot listen on " + options.Url + ": " + ex.Message).ConfigureAwait(false);
            return 1;
        }

        await using (emulator.ConfigureAwait(false))
        {
            emulator.Latency = latency;
            Console.WriteLine("Auth0 emulator listening on " + emulator.BaseUri.AbsoluteUri.TrimEnd('/'));
            Console.WriteLine("  domain:        " + emulator.BaseUri.AbsoluteUri.TrimEnd('/'));
            Console.WriteLine("  client_id:     " + emulator.ClientId);
            Console.WriteLine("  client_secret: " + emulator.ClientSecret + "   (test value, valid only for this emulator run)");
            Console.WriteLine("  audience:      " + emulator.Audience);
            Console.WriteLine("  scopes:        " + string.Join(' ', emulator.Client.Scopes));
            Console.WriteLine("Press Ctrl+C to stop.");

            // The host's console lifetime turns Ctrl+C and SIGTERM into a graceful stop.
            await emulator._app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> matching requests with 429, <c>x-ratelimit-remaining: 0</c> and
    /// <c>x-ratelimit-reset</c> <paramref name="retryAfter"/> from now; with <paramref name="sendRetryAfter"/> (the
    /// default) also <c>Retry-After</c>, without it only the reset, as Auth0 often answers.
    /// </summary>
    public void RateLimitNext(int count, TimeSpan retryAfter, Auth0FaultTarget target = Auth0FaultTarget.Management, bool sendRetryAfter = true) =>
        _state.RateLimitNext(count, retryAfter, target, sendRetryAfter);

    /// <summary>Answers the next <paramref name="count"/> matching requests with <paramref name="statusCode"/> (5xx).</summary>
    public void FailNext(int count, int statusCode = 503, Auth0FaultTarget target = Auth0FaultTarget.Management) =>
        _state.FailNext(count, statusCode, target);

    /// <summary>Gives a client a new secret; the old one stops working at once (issued tokens stay valid, as in Auth0).</summary>
    public string RotateClientSecret(string? clientId = null) => _state.RotateSecret(clientId ?? _clientId);

    /// <summary>Revokes a client's secret: token requests fail with 401 <c>access_denied</c> until it is rotated.</summary>
    public void RevokeClientSecret(string? clientId = null) => _state.RotateSecret(clientId ?? _clientId);

    /// <summary>Replaces a client's granted Management API scopes (empty = no client grant at all).</summary>
    public void SetGrantedScopes(IEnumerable<string> scopes, string? clientId = null) => _state.SetScopes(clientId ?? _clientId, scopes);

    /// <summary>Registers another M2M application with the given granted scopes.</summary>
    public Auth0EmulatorClient AddClient(string name, IEnumerable<string> scopes, bool allowClientCredentials = true) =>
        _state.AddClient(name, scopes, allowClientCredentials);

    /// <summary>Rotates the token signing key: every token issued before gets 401 (invalid signature).</summary>
    public void RotateSigningKey() => _issuer.RotateKey();

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests() => _state.ClearRequests();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Release requests parked in the latency knob so shutdown does not wait for them.
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _issuer.Dispose();
        _stopping.Dispose();
    }
}
