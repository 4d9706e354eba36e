namespace QuantaSeal.Grains.Security;

/// <summary>
/// A grain whose every call is checked by <see cref="TenantIsolationFilter"/> against the caller tenant in the
/// request context before the grain method runs.
/// </summary>
internal interface ITenantOwned
{
    /// <summary>
    /// Whether a call to <paramref name="methodName"/> is allowed for <paramref name="callerTenantId"/>
    /// (null when the request context carries none) and <paramref name="isOperator"/>.
    /// </summary>
    bool IsCallAllowed(string methodName, string? callerTenantId, bool isOperator);
}
