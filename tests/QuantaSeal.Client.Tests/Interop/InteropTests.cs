namespace QuantaSeal.Client.Tests.Interop;

/// <summary>A class of interop tests: each test gets its own <see cref="InteropSession"/> over the class's Node.js fixture.</summary>
public abstract class InteropTests(NodeInterop node) : IClassFixture<NodeInterop>, IDisposable
{
    private protected InteropSession Session { get; } = new(node);

    public void Dispose()
    {
        Session.Dispose();
        GC.SuppressFinalize(this);
    }
}
