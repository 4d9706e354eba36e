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
using QuantaSeal.Grains.Hosting.Serialization;
using QuantaSeal.Grains.Security;
using QuantaSeal.Grains.Security.Records;

namespace QuantaSeal.Grains.Hosting;

/// <summary>Adds QuantaSeal's grains and services to an Orleans silo (the server uses this, and so can embedders).</summary>
public static class QuantaSealSiloBuilderExtensions
{
    /// <summary>
    /// Registers QuantaSeal's grains' services: the tenant-isolation call filter, the key-wrap provider, the clock, the
    /// audit publisher, the connectors, and the state naming of QuantaSeal's storage provider. It registers nothing under
    /// a name that is not QuantaSeal's and leaves the silo's clustering, reminders, default storage and other grains'
    /// state names alone. Storage and audit come from <c>AddQuantaSealPostgres</c> (an embedding service), or
    /// <c>AddQuantaSealStorageInMemory</c> + <c>AddQuantaSealAuditInMemory</c> (a dev silo), or your own grain storage
    /// named <see cref="StorageNames.QuantaSeal"/> with an audit transport; the standalone server uses
    /// <c>UseQuantaSealPostgres</c>, which also takes over clustering and reminders. QuantaSeal's grains need a reminder
    /// service (the host's own).
    /// </summary>
    public static ISiloBuilder AddQuantaSeal(this ISiloBuilder builder, Action<QuantaSealSiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new QuantaSealSiloOptions();
        configure?.Invoke(options);

        builder.AddIncomingGrainCallFilter<TenantIsolationFilter>();

        // After isolation: only the tenant a refused record claims learns that it was refused.
        builder.AddIncomingGrainCallFilter<RecordIntegrityFilter>();
        QuantaSealPersistentStateFactory.Decorate(builder.Services);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, QuantaSealStateNamingCheck>());
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
