using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace QuantaSeal.AdminConsole.Tests.Infrastructure;

/// <summary>
/// The API calls the server receives (the console's own calls included: they reach <c>/api/</c> over HTTP), as
/// "METHOD /path" per API key, in arrival order: what a console page costs the API.
/// </summary>
public sealed class ApiRequests : IStartupFilter
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _byKey = new(StringComparer.Ordinal);

    /// <summary>The calls made with <paramref name="apiKey"/> so far.</summary>
    public IReadOnlyList<string> Of(string apiKey) => _byKey.TryGetValue(apiKey, out var calls) ? [.. calls] : [];

    /// <summary>The calls made with <paramref name="apiKey"/> while <paramref name="action"/> ran.</summary>
    public async Task<IReadOnlyList<string>> DuringAsync(string apiKey, Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var before = Of(apiKey).Count;
        await action();
        return [.. Of(apiKey).Skip(before)];
    }

    /// <inheritdoc/>
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            var request = context.Request;
            if (request.Path.StartsWithSegments("/api", StringComparison.Ordinal) && request.Headers["X-API-Key"] is [{ } key])
            {
                _byKey.GetOrAdd(key, _ => new ConcurrentQueue<string>()).Enqueue(request.Method + " " + request.Path.Value);
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
