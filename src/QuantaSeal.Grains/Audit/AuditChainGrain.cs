using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Abstractions.Tenants;
using QuantaSeal.Crypto.Audit;
using QuantaSeal.Crypto.KeyWrap;
using QuantaSeal.Crypto.Keys;
using QuantaSeal.Grains.Audit.Queue;
using QuantaSeal.Grains.Security;

namespace QuantaSeal.Grains.Audit;

/// <summary>
/// The tenant's hash chain (key = tenant id), fed by the tenant's audit stream through an implicit subscription. Each
/// delivered batch (one publisher group commit) is validated, de-duplicated, given consecutive seqs and hashes, and
/// written in one transaction together with a signed checkpoint when one is due. The delivery returns only after the
/// write, so the stream confirms (deletes) a message only once its events are in the chain; a failed write throws and
/// the pulling agent retries the same message. The grain never throws for a bad event: that would block the tenant's
/// stream (DESIGN §7); such events are logged and counted.
/// </summary>
/// <remarks>
/// Not reentrant: one delivery or checkpoint at a time, so the head (seq, hash) changes only between turns. The only
/// awaits inside a turn are the one write and, when a checkpoint is due, the signing key fetch (cached per key version).
/// </remarks>
[GrainType("qs.audit-chain")]
[ImplicitStreamSubscription(AuditStreams.Namespace)]
internal sealed partial class AuditChainGrain(
    IAuditStore store,
    IKeyWrapProvider keyWrap,
    TimeProvider timeProvider,
    IOptions<AuditChainOptions> options,
    ILogger<AuditChainGrain> logger)
    : Grain, IAuditChainGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<AuditEvent>, ITenantOwned, IRemindable
{
    /// <summary>The reminder that signs an unsigned tail left by an activation that ended without signing it.</summary>
    internal const string TailReminderName = "qs.audit-tail-checkpoint";

    private const int MaxAppendAttempts = 5;

    private readonly RecentIds _recent = new(65_536);
    private AuditChainHead? _head;
    private DateTimeOffset _lastCheckpointAt;
    private SigningKey? _signingKey;
    private IGrainTimer? _timer;
    private DateTimeOffset? _lastOnDemandAt;
    private bool _tailReminderRegistered;
    private DateTimeOffset? _tailReminderFailedAt;

    private string TenantId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastCheckpointAt = timeProvider.GetUtcNow();
        var period = options.Value.CheckpointInterval;
        _timer = this.RegisterGrainTimer(static (grain, ct) => grain.CheckpointIfDueAsync(ct), this, new GrainTimerCreationOptions(period, period) { KeepAlive = false });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        try
        {
            // Certify what this activation chained, so the tail of an idle tenant is covered by a signature.
            if (_head is { } head && head.Seq > head.CheckpointSeq)
            {
                await CheckpointAsync(cancellationToken);
            }

            // Signed: nothing left for the reminder. When signing failed, the reminder stays and signs the tail later.
            if (_tailReminderRegistered && _head is { } signed && signed.Seq == signed.CheckpointSeq)
            {
                await UnregisterTailReminderAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is AuditStoreUnavailableException or OrleansException or TimeoutException or OperationCanceledException)
        {
            Log.CheckpointFailed(logger, TenantId, ex.GetType().Name);
        }
        finally
        {
            _signingKey?.Dispose();
            _signingKey = null;
        }
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        await handleFactory.Create<AuditEvent>().ResumeAsync(this);
    }

    public Task OnNextAsync(IList<SequentialItem<AuditEvent>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var events = new List<AuditEvent>(items.Count);
        foreach (var item in items)
        {
            events.Add(item.Item);
        }

        return AppendAsync(events, CancellationToken.None);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        Log.StreamError(logger, TenantId, ex?.GetType().Name ?? "unknown");
        return Task.CompletedTask;
    }

    public async Task<AuditChainHeadInfo> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        var head = await LoadHeadAsync(cancellationToken);
        return new AuditChainHeadInfo(head.Seq, Convert.ToHexStringLower(head.Hash), head.CheckpointSeq);
    }

    public async Task<AuditCheckpoint?> CheckpointNowAsync(CancellationToken cancellationToken = default)
    {
        var head = await LoadHeadAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();

        // Readers may ask for a checkpoint on every request: sign for them at most once per interval, so N reads cost
        // at most one signature per interval, never N (the events after the newest checkpoint wait for the next one).
        if (head.Seq > head.CheckpointSeq && (_lastOnDemandAt is not { } last || now - last >= options.Value.OnDemandCheckpointInterval))
        {
            await CheckpointAsync(cancellationToken);
            if (_head is { } signed && signed.CheckpointSeq >= head.Seq)
            {
                // Only a signature that happened starts the interval: a failed one is retried by the next reader.
                _lastOnDemandAt = now;
            }
        }

        return await store.FindCheckpointAsync(TenantId, null, cancellationToken);
    }

    /// <summary>
    /// The tail reminder: a previous activation chained events and ended before it could sign them (a killed silo,
    /// a failed deactivation checkpoint). Sign the unsigned tail now, without waiting for the tenant's next event, then
    /// drop the reminder. A tick reaching the activation that registered it does nothing.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!string.Equals(reminderName, TailReminderName, StringComparison.Ordinal))
        {
            return;
        }

        if (_tailReminderRegistered)
        {
            // This activation registered it and is alive: its own timer and deactivation sign its tail.
            return;
        }

        try
        {
            var head = await LoadHeadAsync(CancellationToken.None);
            if (head.Seq > head.CheckpointSeq)
            {
                await CheckpointAsync(CancellationToken.None);
                if (_head is { } tail && tail.CheckpointSeq >= head.Seq)
                {
                    Log.TailSigned(logger, TenantId, head.Seq);
                }
            }

            if (_head is { } signed && signed.Seq == signed.CheckpointSeq)
            {
                await UnregisterTailReminderAsync(CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is AuditStoreUnavailableException or OrleansException or TimeoutException)
        {
            // The next tick tries again.
            Log.CheckpointFailed(logger, TenantId, ex.GetType().Name);
        }
    }

    bool ITenantOwned.IsCallAllowed(string methodName, string? callerTenantId, bool isOperator) =>
        callerTenantId is not null && string.Equals(callerTenantId, TenantId, StringComparison.Ordinal);

    private async Task AppendAsync(List<AuditEvent> delivered, CancellationToken cancellationToken)
    {
        var head = await LoadHeadAsync(cancellationToken);
        var accepted = new List<AuditEvent>(delivered.Count);
        var inBatch = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in delivered)
        {
            if (Problem(e) is { } problem)
            {
                AuditMetrics.Rejected.Add(1);
                Log.Rejected(logger, TenantId, problem);
                continue;
            }

            if (!inBatch.Add(e.EventId) || _recent.Contains(e.EventId))
            {
                AuditMetrics.Duplicates.Add(1);
                continue;
            }

            accepted.Add(e);
        }

        for (var attempt = 1; accepted.Count > 0; attempt++)
        {
            var records = Chain(head, accepted);
            var last = records[^1];
            var checkpoint = last.Seq - head.CheckpointSeq >= options.Value.CheckpointEveryEvents
                ? await TrySignAsync(last.Seq, last.Hash, cancellationToken)
                : null;
            if (checkpoint is null && !_tailReminderRegistered
                && (_tailReminderFailedAt is not { } failedAt || timeProvider.GetUtcNow() - failedAt >= options.Value.CheckpointInterval))
            {
                // This write leaves a tail no checkpoint covers. Arrange for it to be signed even if this activation
                // dies before its timer or its deactivation does it: registered before the write, so no committed
                // tail is ever without it.
                await TryRegisterTailReminderAsync(cancellationToken);
            }

            try
            {
                await store.AppendAsync(TenantId, records, checkpoint, cancellationToken);
                _head = head = new AuditChainHead(last.Seq, Convert.FromHexString(last.Hash), checkpoint?.Seq ?? head.CheckpointSeq);
                if (checkpoint is not null)
                {
                    _lastCheckpointAt = checkpoint.Timestamp;
                    AuditMetrics.Checkpoints.Add(1);
                }

                foreach (var e in accepted)
                {
                    _recent.Add(e.EventId);
                }

                AuditMetrics.Chained.Add(records.Count);
                return;
            }
            catch (AuditAppendConflictException conflict) when (attempt < MaxAppendAttempts)
            {
                if (conflict.Conflict == AuditAppendConflict.DuplicateEvent)
                {
                    // Redelivery after a crash: the previous activation chained these but the stream never saw the
                    // confirmation. Drop the ones already chained and chain the rest.
                    var existing = await store.FindExistingAsync([.. accepted.Select(e => e.EventId)], cancellationToken);
                    AuditMetrics.Duplicates.Add(existing.Count);
                    accepted.RemoveAll(e => existing.Contains(e.EventId));
                    foreach (var id in existing)
                    {
                        _recent.Add(id);
                    }
                }

                // Either way the head may be stale (another activation wrote meanwhile): read it again.
                _head = null;
                head = await LoadHeadAsync(cancellationToken);
            }
            catch (AuditAppendConflictException)
            {
                throw new AuditStoreUnavailableException("The audit chain kept colliding with another writer.");
            }
        }
    }

    private static List<AuditRecord> Chain(AuditChainHead head, List<AuditEvent> events)
    {
        var records = new List<AuditRecord>(events.Count);
        var hash = head.Hash.ToArray();
        var seq = head.Seq;
        foreach (var e in events)
        {
            records.Add(AuditHashChain.Link(hash, new AuditRecord(
                e.EventId, e.TenantId, ++seq, AuditCanonicalJson.Normalize(e.Timestamp), e.Actor, e.Action, e.IntegrationId, e.Operation,
                e.Outcome, e.UpstreamStatus, e.RequestSha256, e.LatencyMs, e.ObjectId, e.AttemptEventId)));
        }

        return records;
    }

    private string? Problem(AuditEvent? e) => AuditEventRules.Problem(e, TenantId);

    private async Task CheckpointIfDueAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_head is { } head && head.Seq > head.CheckpointSeq && timeProvider.GetUtcNow() - _lastCheckpointAt >= options.Value.CheckpointInterval)
            {
                await CheckpointAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is AuditStoreUnavailableException or OrleansException or TimeoutException or OperationCanceledException)
        {
            Log.CheckpointFailed(logger, TenantId, ex.GetType().Name);
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        var head = await LoadHeadAsync(cancellationToken);
        var hashHex = Convert.ToHexStringLower(head.Hash);
        var checkpoint = await TrySignAsync(head.Seq, hashHex, cancellationToken);
        if (checkpoint is null)
        {
            return;
        }

        await store.AddCheckpointAsync(checkpoint, cancellationToken);
        _head = head with { CheckpointSeq = head.Seq };
        _lastCheckpointAt = checkpoint.Timestamp;
        AuditMetrics.Checkpoints.Add(1);
    }

    /// <summary>Signs a checkpoint with the tenant's current ML-DSA-65 key; null (logged) when the key cannot be had.</summary>
    private async Task<AuditCheckpoint?> TrySignAsync(long seq, string hashHex, CancellationToken cancellationToken)
    {
        try
        {
            var key = await GetSigningKeyAsync(cancellationToken);
            var timestamp = AuditCanonicalJson.Normalize(timeProvider.GetUtcNow());
            var signature = AuditCheckpointSigning.Sign(key.KeyPair, TenantId, seq, hashHex, timestamp);
            return new AuditCheckpoint(TenantId, seq, hashHex, timestamp, key.KeyId, signature);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Events are never held back for a checkpoint: they are chained now and certified by a later checkpoint.
            Log.CheckpointFailed(logger, TenantId, ex.GetType().Name);
            return null;
        }
    }

    private async Task<SigningKey> GetSigningKeyAsync(CancellationToken cancellationToken)
    {
        // Deliveries carry no caller; the chain acts for its own tenant when it asks the tenant grain for its key.
        TenantCallContext.SetTenant(TenantId);
        var material = await GrainFactory.GetGrain<ITenantGrain>(TenantId).GetSealingMaterialAsync(cancellationToken);
        if (_signingKey is { } cached && cached.Version == material.KeyVersion)
        {
            return cached;
        }

        var s = material.WrappedSigningSeed;
        var seed = await keyWrap.UnwrapAsync(material.TenantId, s.Purpose, new WrappedKey(s.Provider, s.KeyRef, s.Ciphertext), cancellationToken);
        try
        {
            var key = new SigningKey(material.KeyVersion, material.SigningKeyId, MlDsa65KeyPair.FromSeed(seed));
            _signingKey?.Dispose();
            _signingKey = key;
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private async Task TryRegisterTailReminderAsync(CancellationToken cancellationToken)
    {
        try
        {
            var period = options.Value.TailCheckpointReminderPeriod;
            await this.RegisterOrUpdateReminder(TailReminderName, period, period, cancellationToken);
            _tailReminderRegistered = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Events are never held back for the reminder: the timer and deactivation still sign. A write after the
            // next checkpoint interval tries again (not every write: a silo without a reminder service would log each).
            _tailReminderFailedAt = timeProvider.GetUtcNow();
            Log.TailReminderFailed(logger, TenantId, ex.GetType().Name);
        }
    }

    private async Task UnregisterTailReminderAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await this.GetReminder(TailReminderName, cancellationToken) is { } reminder)
            {
                await this.UnregisterReminder(reminder, cancellationToken);
            }

            _tailReminderRegistered = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A reminder left behind only costs a tick that finds nothing to sign (and unregisters then).
            Log.TailReminderFailed(logger, TenantId, ex.GetType().Name);
        }
    }

    private async Task<AuditChainHead> LoadHeadAsync(CancellationToken cancellationToken) =>
        _head ??= await store.GetHeadAsync(TenantId, cancellationToken);

    private sealed class SigningKey(int version, string keyId, MlDsa65KeyPair keyPair) : IDisposable
    {
        public int Version { get; } = version;

        public string KeyId { get; } = keyId;

        public MlDsa65KeyPair KeyPair { get; } = keyPair;

        public void Dispose() => KeyPair.Dispose();
    }

    /// <summary>The most recent event ids chained by this activation (bounded), to skip redeliveries without a query.</summary>
    private sealed class RecentIds(int capacity)
    {
        private readonly HashSet<string> _set = new(StringComparer.Ordinal);
        private readonly Queue<string> _order = new();

        public bool Contains(string id) => _set.Contains(id);

        public void Add(string id)
        {
            if (!_set.Add(id))
            {
                return;
            }

            _order.Enqueue(id);
            while (_order.Count > capacity)
            {
                _set.Remove(_order.Dequeue());
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7300, Level = LogLevel.Error, Message = "Audit chain of tenant {TenantId} refused an event: {Problem}")]
        public static partial void Rejected(ILogger logger, string tenantId, string problem);

        [LoggerMessage(EventId = 7301, Level = LogLevel.Warning, Message = "Audit chain of tenant {TenantId} could not write a checkpoint ({Cause}); a later one will cover its events")]
        public static partial void CheckpointFailed(ILogger logger, string tenantId, string cause);

        [LoggerMessage(EventId = 7303, Level = LogLevel.Warning, Message = "Audit chain of tenant {TenantId} could not register or drop its tail checkpoint reminder ({Cause})")]
        public static partial void TailReminderFailed(ILogger logger, string tenantId, string cause);

        [LoggerMessage(EventId = 7304, Level = LogLevel.Information, Message = "Audit chain of tenant {TenantId} signed the tail a previous activation left unsigned, up to seq {Seq}")]
        public static partial void TailSigned(ILogger logger, string tenantId, long seq);

        [LoggerMessage(EventId = 7302, Level = LogLevel.Warning, Message = "Audit stream of tenant {TenantId} reported an error ({Cause})")]
        public static partial void StreamError(ILogger logger, string tenantId, string cause);
    }
}
