namespace QuantaSeal.Grains.Tests.Storage;

[GrainType("qs.test.reminder")]
internal sealed class ReminderTestGrain : Grain, IReminderTestGrain, IRemindable
{
    public async Task RegisterAsync(string reminderName, TimeSpan period, CancellationToken cancellationToken = default)
    {
        // Due in an hour: the test checks the durable row, not the tick.
        await this.RegisterOrUpdateReminder(reminderName, TimeSpan.FromHours(1), period, cancellationToken);
    }

    public async Task<bool> IsRegisteredAsync(string reminderName, CancellationToken cancellationToken = default)
    {
        return await this.GetReminder(reminderName, cancellationToken) is not null;
    }

    public async Task UnregisterAsync(string reminderName, CancellationToken cancellationToken = default)
    {
        var reminder = await this.GetReminder(reminderName, cancellationToken)
            ?? throw new InvalidOperationException($"Reminder '{reminderName}' is not registered.");
        await this.UnregisterReminder(reminder, cancellationToken);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
