using System.Net;
using System.Text;
using QuantaSeal.LoadTests.Infrastructure;

namespace QuantaSeal.LoadTests.Proxy;

/// <summary>
/// Fallback when hey is not installed: a fixed number of HttpClient workers in this process, each sending its next
/// POST when the last one answered (closed loop, like hey), over one pooled handler with a connection per worker.
/// </summary>
internal sealed class BuiltinGenerator : ILoadGenerator
{
    public string Name => "builtin (HttpClient workers)";

    public async Task<LoadResult> RunAsync(ProxyTarget target, string transport, int round, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseCookies = false, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        var samples = new List<double>[concurrency];
        long non2xx = 0;
        var workers = Enumerable.Range(0, concurrency).Select(async i =>
        {
            var own = samples[i] = new List<double>(8192);
            while (clock.GetElapsedTime(started) < duration)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new StringContent(target.Body, Encoding.UTF8, "application/json") };
                request.Headers.Add("X-API-Key", target.ApiKey);
                var sent = clock.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request, cancellationToken);
                    await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref non2xx);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref non2xx);
                }

                own.Add(clock.GetElapsedTime(sent).TotalMilliseconds);
            }
        }).ToList();
        await Task.WhenAll(workers);
        var elapsed = clock.GetElapsedTime(started);
        var all = samples.SelectMany(s => s).Order().ToList();
        return new LoadResult(transport, round, all.Count, non2xx, all.Count / elapsed.TotalSeconds, Percentiles.Of(all, 50), Percentiles.Of(all, 99));
    }
}
