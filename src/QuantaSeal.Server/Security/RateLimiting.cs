using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using QuantaSeal.Server.Http;

namespace QuantaSeal.Server.Security;

/// <summary>
/// ASP.NET Core's rate limiter for the front door (issue 13 finding 2): one global token bucket per API key for
/// authenticated requests and one per client address for everything else. It runs after authorization, so the key is
/// known; failed authentications have their own, stricter per-address budget (<see cref="FailedAuthentication"/>),
/// checked before any key is looked up. Over a limit: 429 problem+json with <c>Retry-After</c>.
/// </summary>
internal static class RateLimiting
{
    public static IServiceCollection AddQuantaSealRateLimiter(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, configured) =>
        {
            var limits = configured.Value;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var keyId = http.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim);
                return keyId is not null
                    ? RateLimitPartition.GetTokenBucketLimiter("key:" + keyId, _ => Bucket(limits.PerKeyPerSecond, limits.PerKeyBurst, limits.Period))
                    : RateLimitPartition.GetTokenBucketLimiter("addr:" + FailedAuthentication.Address(http), _ => Bucket(limits.AnonymousPerSecond, limits.AnonymousBurst, limits.Period));
            });
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var authenticated = http.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) is not null;
                http.RequestServices.GetRequiredService<SecurityMetrics>().RateLimited(authenticated ? "api_key" : "address");
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var value) ? value : TimeSpan.FromSeconds(1);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = Problems.RateLimited(http, retryAfter),
                });
            };
        });
        return services;
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst, TimeSpan period) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = period,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
