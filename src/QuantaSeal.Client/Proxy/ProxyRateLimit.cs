namespace QuantaSeal.Client.Proxy;

/// <summary>The <c>rate_limit</c> member of a proxy answer: the upstream's rate-limit headers, as sent (signed in envelope v2; the SDK reads only the signed copy).</summary>
/// <param name="Values">Header values by name (e.g. <c>limit</c>, <c>remaining</c>, <c>reset</c>).</param>
public sealed record ProxyRateLimit(IReadOnlyDictionary<string, string> Values)
{
    /// <summary>A value as an integer, when present and numeric.</summary>
    public long? Number(string name) =>
        Values.TryGetValue(name, out var text) && long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}
