namespace QuantaSeal.Client.Proxy;

/// <summary>The <c>paging</c> member of a proxy answer (signed in envelope v2; the SDK reads only the signed copy).</summary>
/// <param name="NextCursor">Cursor of the next page (Okta <c>Link rel="next"</c>), if any.</param>
public sealed record ProxyPaging(string? NextCursor);
