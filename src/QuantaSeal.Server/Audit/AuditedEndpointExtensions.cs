namespace QuantaSeal.Server.Audit;

/// <summary>Marks an endpoint as audited: <c>.WithAuditAction(AuditActions.VaultSeal)</c>.</summary>
internal static class AuditedEndpointExtensions
{
    /// <summary>
    /// Names the endpoint's audit action and adds <see cref="DeniedAuditFilter"/>, so every refusal of the endpoint
    /// is audited once (by the grain that refused it, or by the filter). Successes are recorded by the grains.
    /// </summary>
    public static TBuilder WithAuditAction<TBuilder>(this TBuilder builder, AuditActionMetadata metadata)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(metadata);
        return builder.WithMetadata(metadata).AddEndpointFilter(DeniedAuditFilter.InvokeAsync);
    }

    /// <inheritdoc cref="WithAuditAction{TBuilder}(TBuilder, AuditActionMetadata)"/>
    public static TBuilder WithAuditAction<TBuilder>(this TBuilder builder, string action)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithAuditAction(new AuditActionMetadata(action));
}
