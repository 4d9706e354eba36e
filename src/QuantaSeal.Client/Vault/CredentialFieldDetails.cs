namespace QuantaSeal.Client.Vault;

/// <summary>One field of a credential type.</summary>
/// <param name="Name">Field name in <c>values</c>.</param>
/// <param name="Type">Value type (<c>string</c>, <c>string[]</c>, ...).</param>
/// <param name="Required">Whether it must be given.</param>
/// <param name="Secret">Whether it is secret (never shown again once sealed).</param>
/// <param name="Description">What it holds.</param>
public sealed record CredentialFieldDetails(string Name, string Type, bool Required, bool Secret, string Description);
