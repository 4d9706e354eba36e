using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace QuantaSeal.Connectors.Http;

/// <summary>Registers the connectors, the outbound host policy and the two outbound HTTP clients.</summary>
public static class ConnectorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the outbound HTTP clients (<see cref="ConnectorHttpClients"/>) over a YARP-style handler (no redirects,
    /// no cookies, no proxy, no decompression, connect timeout, pooled-connection lifetime, the host policy in
    /// <see cref="SocketsHttpHandler.ConnectCallback"/>), each with its own resilience pipeline per upstream authority.
    /// </summary>
    public static IServiceCollection AddQuantaSealConnectors(this IServiceCollection services, Action<UpstreamOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<UpstreamOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UpstreamOptions>, UpstreamOptionsValidator>());
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UpstreamHostPolicy>();
        AddClient(services, ConnectorHttpClients.Management, retryUnsafeMethods: false);
        AddClient(services, ConnectorHttpClients.Token, retryUnsafeMethods: true);
        return services;
    }

    private static void AddClient(IServiceCollection services, string name, bool retryUnsafeMethods)
    {
        services.AddHttpClient(name, client =>
            {
                // The resilience pipeline owns time (total and per-attempt timeouts).
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.MaxResponseContentBufferSize = ConnectorHttpClients.MaxResponseBytes;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("QuantaSeal/1.0");
            })
            // HttpClientFactory's own logging writes request paths (user ids, logins) and, at Trace, raw headers such
            // as Authorization; the connectors log what is safe themselves.
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptions<UpstreamOptions>>().Value;
                var policy = sp.GetRequiredService<UpstreamHostPolicy>();
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    UseProxy = false,
                    AutomaticDecompression = DecompressionMethods.None,
                    ConnectTimeout = options.ConnectTimeout,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    ConnectCallback = policy.ConnectAsync,
                };
            })
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions o, IServiceProvider sp) =>
            {
                var options = sp.GetRequiredService<IOptions<UpstreamOptions>>().Value;
                o.AttemptTimeout.Timeout = options.AttemptTimeout;
                o.TotalRequestTimeout.Timeout = options.TotalTimeout;
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, options.AttemptTimeout.Ticks * 2));
                o.Retry.MaxRetryAttempts = Math.Max(1, options.MaxRetries);
                o.Retry.Delay = TimeSpan.FromMilliseconds(200);
                o.Retry.UseJitter = true;
                var maxRetryAfter = options.MaxRetryAfter;
                var time = sp.GetRequiredService<TimeProvider>();

                // The upstream's own "come back at" replaces the backoff: Retry-After (delta or date) on any status,
                // else, for a 429, the vendor's rate-limit reset (Auth0 x-ratelimit-reset, Okta X-Rate-Limit-Reset),
                // measured on the injected clock. The built-in ShouldRetryAfterHeader generator reads neither the
                // reset headers nor our clock, so a 429 carrying only a reset was retried after ~200 ms, burning the
                // tenant's rate limit on attempts bound to fail. Null falls back to the exponential backoff.
                o.Retry.DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? UpstreamRetryAfter.Delay(response, time.GetUtcNow()) : null);
                o.Retry.ShouldHandle = args =>
                {
                    if (options.MaxRetries == 0
                        || args.Outcome.Exception?.InnerException is UpstreamBlockedException
                        || (args.Context.GetRequestMessage()?.Options.TryGetValue(ConnectorHttpClients.SingleUse, out var singleUse) == true && singleUse))
                    {
                        return ValueTask.FromResult(false);
                    }

                    if (args.Outcome.Result is { } response
                        && (response.StatusCode == HttpStatusCode.TooManyRequests || HttpClientResiliencePredicates.IsTransient(args.Outcome)))
                    {
                        // A long wait (429 or 503 with Retry-After, 429 with a far reset) is the caller's to honour:
                        // it gets the response and its Retry-After, rather than a request held open past its time
                        // budget. The same reading as the delay above, so the two cannot disagree.
                        var delay = UpstreamRetryAfter.Delay(response, time.GetUtcNow());
                        return ValueTask.FromResult(delay is null || delay <= maxRetryAfter);
                    }

                    return ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome));
                };
                if (!retryUnsafeMethods)
                {
                    // create_user, delete_user and friends are never replayed automatically.
                    o.Retry.DisableForUnsafeHttpMethods();
                }
            })
            .SelectPipelineByAuthority();
    }
}
