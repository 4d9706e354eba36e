using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace QuantaSeal.Grains.Audit.Queue;

/// <summary>
/// One message of the audit queue: the events one publish put on one tenant's stream, stored as the row's payload
/// (Orleans serialisation) and handed to the pulling agent. Its sequence token is the id of the transaction that wrote
/// it (<c>tx</c>, deploy/sql/0007), which is also the order the queue is read in; it is set when the row is read.
/// </summary>
[GenerateSerializer]
[Alias("qs.audit-queue-batch")]
internal sealed class AuditQueueBatch : IBatchContainer
{
    [Id(0)]
    public required StreamId StreamId { get; init; }

    [Id(1)]
    public required List<object> Events { get; init; }

    [Id(2)]
    public Dictionary<string, object>? RequestContext { get; init; }

    /// <summary>The writing transaction's id (0 until the message has been read back).</summary>
    [Id(3)]
    public long Tx { get; set; }

    /// <summary>
    /// Which of its reader's passes read the message (set when read; a reader starts a new pass when the server's
    /// transaction ids went backwards, after which a transaction id of an earlier pass may name another row).
    /// </summary>
    [Id(4)]
    public int ReadPass { get; set; }

    /// <inheritdoc/>
    public StreamSequenceToken SequenceToken => new EventSequenceTokenV2(Tx);

    /// <inheritdoc/>
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        var token = new EventSequenceTokenV2(Tx);
        for (var i = 0; i < Events.Count; i++)
        {
            if (Events[i] is T item)
            {
                yield return Tuple.Create<T, StreamSequenceToken>(item, token.CreateSequenceTokenForEvent(i));
            }
        }
    }

    /// <inheritdoc/>
    public bool ImportRequestContext()
    {
        if (RequestContext is null)
        {
            return false;
        }

        RequestContextExtensions.Import(RequestContext);
        return true;
    }
}
