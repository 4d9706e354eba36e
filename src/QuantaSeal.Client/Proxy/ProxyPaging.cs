namespace QuantaSeal.Client.Proxy;

/// <summary>The <c>paging</c> member of a proxy answer (unsigned in envelope v1).</summary>
/// <param name="NextCursor">Cursor of the next page (Okta <c>Link rel="next"</c>), if any.</param>
public sealed record ProxyPaging(string? NextCursor);
