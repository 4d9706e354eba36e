namespace QuantaSeal.LoadTests.Proxy;

/// <summary>One measured run of the load generator against one server.</summary>
internal sealed record LoadResult(string Transport, int Round, long Requests, long Non2xx, double RequestsPerSecond, double P50Ms, double P99Ms);
