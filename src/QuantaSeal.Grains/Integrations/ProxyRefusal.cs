namespace QuantaSeal.Grains.Integrations;

/// <summary>
/// Why a proxy pipeline step refused a call before anything left the silo. The call's one audit event is
/// <c>denied</c>, and the caller gets <see cref="ErrorType"/>, <see cref="Message"/> and <see cref="Field"/> in its
/// <see cref="Abstractions.Proxy.ProxyResult"/>; the front door maps the error type to the HTTP status and problem type
/// in one place (<c>ProxyEndpoints</c>).
/// </summary>
/// <param name="ErrorType">A <see cref="Abstractions.Proxy.ProxyErrorTypes"/> value.</param>
/// <param name="Field">The request field at fault (<c>operation</c>, <c>payload.per_page</c>, <c>domain</c>, ...).</param>
/// <param name="Message">Client-safe: names the field, never echoes a value or the operator's configuration.</param>
internal sealed record ProxyRefusal(string ErrorType, string Field, string Message);
