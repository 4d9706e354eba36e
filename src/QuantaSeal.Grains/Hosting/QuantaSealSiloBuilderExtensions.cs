using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QuantaSeal.Connectors;
using QuantaSeal.Connectors.Auth0;
using QuantaSeal.Connectors.Catalog;
using QuantaSeal.Connectors.Http;
using QuantaSeal.Connectors.Okta;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Grains.Audit;
using QuantaSeal.Grains.Security;
using QuantaSeal.Grains.Security.Records;

namespace QuantaSeal.Grains.Hosting;

/// <summary>Adds QuantaSeal's grains and services to an Orleans silo (the server uses this, and so can embedders).</summary>
public static class QuantaSealSiloBuilderExtensions
{
    /// <summary>
    /// Registers the tenant-isolation call filter, the key-wrap provider and the clock. Grain storage comes from
    /// <c>UseQuantaSealPostgres</c> or <c>UseQuantaSealInMemory</c>, or from the embedder's own provider named
    /// <see cref="StorageNames.QuantaSeal"/>. The audit transport and store come from <c>AddQuantaSealAuditPostgres</c> or
    /// <c>AddQuantaSealAuditInMemory</c>.
    /// </summary>
    public static ISiloBuilder AddQuantaSeal(this ISiloBuilder builder, Action<QuantaSealSiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new QuantaSealSiloOptions();
        configure?.Invoke(options);

        builder.AddIncomingGrainCallFilter<TenantIsolationFilter>();

        // After isolation: only the tenant a refused record claims learns that it was refused.
        builder.AddIncomingGrainCallFilter<RecordIntegrityFilter>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IKeyWrapProvider>(sp => CreateKeyWrapProvider(sp, options));
        builder.Services.TryAddSingleton<IAuditPublisher, StreamAuditPublisher>();
        builder.Services.TryAddSingleton<ChangeAudit>();
        builder.Services.TryAddSingleton<RecordAuthenticator>();
        builder.Services.AddOptions<AuditChainOptions>().BindConfiguration("QuantaSeal:Audit").ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditChainOptions>, AuditChainOptionsValidator>());
        builder.Services.AddQuantaSealConnectors(options.ConfigureUpstream);
        builder.Services.TryAddSingleton<IConnectorCatalog, ConnectorCatalog>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IUpstreamConnector, Auth0Connector>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IUpstreamConnector, OktaConnector>());
        return builder;
    }

    private static IKeyWrapProvider CreateKeyWrapProvider(IServiceProvider services, QuantaSealSiloOptions options)
    {
        if (options.KeyWrapProviderFactory is not null)
        {
            return options.KeyWrapProviderFactory(services);
        }

        if (!string.IsNullOrWhiteSpace(options.MasterKeyFile))
        {
            return LocalKeyWrapProvider.FromFile(options.MasterKeyFile);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(QuantaSealSiloOptions.MasterKeyEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return LocalKeyWrapProvider.FromBase64(fromEnvironment);
        }

        throw new InvalidOperationException(
            $"No key-wrap provider is configured: set a master key file (--master-key-file), the {QuantaSealSiloOptions.MasterKeyEnvironmentVariable} environment variable, or a KMS provider.");
    }
}
