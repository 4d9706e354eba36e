namespace QuantaSeal.Client.Tenants;

/// <summary>A new API key; <see cref="ApiKey"/> is shown only in this answer.</summary>
/// <param name="ApiKeyId">Key id.</param>
/// <param name="ApiKey">The key.</param>
/// <param name="Name">Label.</param>
/// <param name="Scopes">Scopes.</param>
/// <param name="Environment"><c>live</c> or <c>test</c>.</param>
/// <param name="CreatedAt">Creation time.</param>
public sealed record ApiKeyCreation(string ApiKeyId, string ApiKey, string Name, IReadOnlyList<string> Scopes, string Environment, DateTimeOffset CreatedAt)
{
    /// <inheritdoc/>
    public override string ToString() => $"ApiKeyCreation {{ ApiKeyId = {ApiKeyId}, Scopes = {string.Join(' ', Scopes)} }}";
}
