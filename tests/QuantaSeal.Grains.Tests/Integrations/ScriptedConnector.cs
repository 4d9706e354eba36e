using System.Collections.Concurrent;
using System.Text.Json;
using QuantaSeal.Connectors;
using QuantaSeal.Connectors.Catalog;
using QuantaSeal.Connectors.Credentials;
using QuantaSeal.Connectors.Http;

namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>
/// An Auth0-typed connector whose behaviour each test scripts through a <see cref="Scenario"/>, chosen by the
/// credential's client id, so tests sharing one cluster do not see each other. It records what the grain asked for.
/// </summary>
public sealed class ScriptedConnector : IUpstreamConnector
{
    public static ConcurrentDictionary<string, Scenario> Scenarios { get; } = new(StringComparer.Ordinal);

    public string SystemType => "auth0";

    public IReadOnlyList<string> CredentialTypes => ["oauth2_client"];

    public async Task<UpstreamToken> AcquireTokenAsync(ConnectorTarget target, UpstreamCredential credential, IReadOnlyCollection<string> allowedOperations, CancellationToken cancellationToken = default)
    {
        var client = (OAuth2ClientSecretCredential)credential;
        var scenario = Scenarios[client.ClientId];
        var n = Interlocked.Increment(ref scenario.TokenRequests);
        scenario.SecretsSeen.Enqueue(client.ClientSecret);
        scenario.OperationsSeen.Enqueue([.. allowedOperations]);
        if (Interlocked.Exchange(ref scenario.NextTokenGate, null) is { } gate)
        {
            await gate.PassAsync(cancellationToken);
        }

        await Task.Delay(scenario.TokenDelay, cancellationToken);
        return new UpstreamToken($"{client.ClientId}:tok-{n}", "Bearer", DateTimeOffset.UtcNow + scenario.TokenLifetime, ["read:users"]);
    }

    public async Task<UpstreamResponse> ExecuteAsync(ConnectorTarget target, UpstreamToken token, OperationRequest request, CancellationToken cancellationToken = default)
    {
        var scenario = Scenarios[token.AccessToken[..token.AccessToken.IndexOf(':', StringComparison.Ordinal)]];
        Interlocked.Increment(ref scenario.Executions);
        var inFlight = Interlocked.Increment(ref scenario.InFlight);
        scenario.RecordMaxInFlight(inFlight);
        try
        {
            if (Volatile.Read(ref scenario.CallsInFlightGate) is { } gate)
            {
                if (inFlight >= scenario.ReleaseAtInFlight)
                {
                    gate.TrySetResult();
                }

                await gate.Task.WaitAsync(cancellationToken);
            }

            scenario.TokensUsed.Enqueue(token.AccessToken);
            if (scenario.RejectToken(token.AccessToken))
            {
                return new UpstreamResponse(UpstreamOutcome.Unauthorized, 401, "{\"statusCode\":401,\"error\":\"Unauthorized\",\"message\":\"Expired token\"}"u8.ToArray(), "invalid_token", "The upstream refused the token.");
            }

            return new UpstreamResponse(UpstreamOutcome.Success, 200, JsonSerializer.SerializeToUtf8Bytes(new { users = new[] { new { user_id = "auth0|1", email = "a@example.com" } }, token = token.AccessToken }));
        }
        finally
        {
            Interlocked.Decrement(ref scenario.InFlight);
        }
    }

    public sealed class Scenario
    {
        private int _maxInFlight;

        internal int TokenRequests;
        internal int Executions;
        internal int InFlight;

        /// <summary>When set, upstream calls wait at it until <see cref="ReleaseAtInFlight"/> of them are in flight.</summary>
        internal TaskCompletionSource? CallsInFlightGate;

        internal int ReleaseAtInFlight;

        /// <summary>When set, the next token request waits at this gate (taken by that one request).</summary>
        internal TestGate? NextTokenGate;

        public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

        public TimeSpan TokenDelay { get; set; } = TimeSpan.Zero;

        public Func<string, bool> RejectToken { get; set; } = _ => false;

        public ConcurrentQueue<string> SecretsSeen { get; } = new();

        /// <summary>The allowed operations each token request was made for (they decide Okta's scopes).</summary>
        public ConcurrentQueue<IReadOnlyList<string>> OperationsSeen { get; } = new();

        /// <summary>From now on, upstream calls wait until <paramref name="count"/> of them are in flight together.</summary>
        public void HoldCallsUntilInFlight(int count)
        {
            ReleaseAtInFlight = count;
            Volatile.Write(ref CallsInFlightGate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        /// <summary>Holds the next token request at the returned gate.</summary>
        public TestGate HoldNextTokenRequest()
        {
            var gate = new TestGate();
            NextTokenGate = gate;
            return gate;
        }

        public ConcurrentQueue<string> TokensUsed { get; } = new();

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        public void RecordMaxInFlight(int value)
        {
            int current;
            while (value > (current = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, value, current) != current)
            {
            }
        }
    }
}
