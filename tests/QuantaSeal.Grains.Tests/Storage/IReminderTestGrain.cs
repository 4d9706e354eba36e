namespace QuantaSeal.Grains.Tests.Storage;

/// <summary>A grain that registers durable reminders (they are not meant to fire during the test).</summary>
[Alias("qs.test.IReminderTestGrain")]
public interface IReminderTestGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task RegisterAsync(string reminderName, TimeSpan period, CancellationToken cancellationToken = default);

    [Alias("IsRegistered")]
    Task<bool> IsRegisteredAsync(string reminderName, CancellationToken cancellationToken = default);

    [Alias("Unregister")]
    Task UnregisterAsync(string reminderName, CancellationToken cancellationToken = default);
}
