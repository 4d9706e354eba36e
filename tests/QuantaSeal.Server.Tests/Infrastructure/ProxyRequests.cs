using System.Net.Http.Json;

namespace QuantaSeal.Server.Tests.Infrastructure;

/// <summary>The proxy endpoint as a raw HTTP call, for tests that read its status, headers and body themselves.</summary>
internal static class ProxyRequests
{
    /// <summary>POSTs <c>/api/v2/proxy/outbound</c> with <paramref name="apiKey"/> and the call as JSON.</summary>
    public static async Task<HttpResponseMessage> SendProxyAsync(
        this HttpClient http, string apiKey, string integrationId, string operation, object payload, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/proxy/outbound")
        {
            Content = JsonContent.Create(new { integration_id = integrationId, operation, payload }),
        };
        request.Headers.Add("X-API-Key", apiKey);
        return await http.SendAsync(request, cancellationToken);
    }
}
