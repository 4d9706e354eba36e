namespace QuantaSeal.Connectors.Tests.Auth0;

/// <summary>One emulator and one all-operations token shared by the conformance calls (each touches different data).</summary>
public sealed class Auth0ConformanceFixture : IAsyncLifetime
{
    internal Auth0TestHost Host { get; private set; } = null!;

    internal UpstreamToken Token { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await Auth0TestHost.StartAsync();
        Token = await Host.TokenForAllAsync();
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
