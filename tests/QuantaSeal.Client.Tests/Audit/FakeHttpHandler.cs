using System.Net;
using System.Text;

namespace QuantaSeal.Client.Tests.Audit;

/// <summary>An in-process HTTP handler that answers from a function and records what was asked.</summary>
internal sealed class FakeHttpHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    public List<(string PathAndQuery, string? ApiKey)> Requests { get; } = [];

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, status < HttpStatusCode.BadRequest ? "application/json" : "application/problem+json") };

    public QuantaSealClient Client(string apiKey = "qs_test_audit") =>
        new(new HttpClient(this) { BaseAddress = new Uri("http://quantaseal.test/") }, apiKey);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add((request.RequestUri!.PathAndQuery, request.Headers.TryGetValues("X-API-Key", out var v) ? v.Single() : null));
        return Task.FromResult(respond(request));
    }
}
