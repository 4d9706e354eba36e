namespace QuantaSeal.LoadTests.Proxy;

/// <summary>What a load generator needs to send proxy calls to one server: URL, proxy-scoped API key and the JSON body.</summary>
internal sealed record ProxyTarget(Uri Url, string ApiKey, string Body);
