namespace QuantaSeal.Grains.Tests.Integrations;

/// <summary>
/// A one-shot gate a fake upstream (or key provider) holds a call at: the test awaits <see cref="Entered"/> to know the
/// call is parked there, does what it wants to interleave, then <see cref="Open"/>s it. Nothing depends on timing.
/// </summary>
public sealed class TestGate
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a call reached the gate.</summary>
    public Task Entered => _entered.Task;

    /// <summary>Completes when the call parked at the gate was cancelled (its caller gave up) before the gate opened.</summary>
    public Task Abandoned => _abandoned.Task;

    public void Open() => _open.TrySetResult();

    /// <summary>Called by the fake: marks the gate entered and waits until the test opens it.</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        try
        {
            await _open.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _abandoned.TrySetResult();
            throw;
        }
    }
}
