namespace QuantaSeal.Server.Audit;

/// <summary>What a refusal at the edge names in its <c>denied</c> event when the route alone does not say it (the proxy's body).</summary>
/// <param name="ObjectId">The object acted on, if known and well formed.</param>
/// <param name="IntegrationId">The integration, if known and well formed.</param>
/// <param name="Operation">The proxy operation, if given.</param>
/// <param name="RequestSha256">The request hash, if computed.</param>
internal sealed record RefusalTarget(string? ObjectId = null, string? IntegrationId = null, string? Operation = null, string? RequestSha256 = null);
