namespace QuantaSeal.Server.Tests.Infrastructure;

/// <summary>
/// A test class whose every test gets its own in-memory server with <paramref name="settings"/>, so that state such as
/// a rate-limit budget never carries from one test to the next (<see cref="MemoryServerFixture"/> shares one per class).
/// </summary>
public abstract class ServerPerTest(IReadOnlyDictionary<string, string?> settings) : IAsyncLifetime
{
    protected QuantaSealServer Server { get; } = new("memory", settings: settings);

    public ValueTask InitializeAsync()
    {
        Server.StartServer();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
