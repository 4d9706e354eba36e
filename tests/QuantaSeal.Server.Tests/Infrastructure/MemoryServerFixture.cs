namespace QuantaSeal.Server.Tests.Infrastructure;

/// <summary>One in-memory server per test class.</summary>
public sealed class MemoryServerFixture : IAsyncLifetime
{
    public QuantaSealServer Server { get; } = new("memory");

    public ValueTask InitializeAsync()
    {
        Server.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
