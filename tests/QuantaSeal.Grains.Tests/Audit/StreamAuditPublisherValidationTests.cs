using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using QuantaSeal.Abstractions.Audit;
using QuantaSeal.Grains.Audit;

namespace QuantaSeal.Grains.Tests.Audit;

/// <summary>
/// Issue 12, hole 7: an event the chain would refuse is refused when it is published, before anything is written, so
/// no caller is ever handed the id of an event that no chain will hold.
/// </summary>
public sealed class StreamAuditPublisherValidationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Defects => ["event id", "actor", "action", "long field"];

    [Theory]
    [MemberData(nameof(Defects))]
    public async Task Publish_RefusesAnEventTheChainWouldRefuse_BeforeWritingIt(string defect)
    {
        // No stream provider at all: a publish that got as far as writing would fail differently.
        var publisher = new StreamAuditPublisher(new ServiceCollection().BuildServiceProvider(), NullLogger<StreamAuditPublisher>.Instance);
        var valid = new AuditEvent(AuditIds.New(), "ten_validation", null, TimeProvider.System.GetUtcNow(), "key_test", AuditActions.ProxyOutbound,
            "int_test", "get_users", AuditOutcomes.Success, 200, null, 1);
        var invalid = defect switch
        {
            "event id" => valid with { EventId = "aud_not-a-ulid" },
            "actor" => valid with { Actor = null! },
            "action" => valid with { Action = "" },
            _ => valid with { Operation = new string('x', 513) },
        };

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishAsync(invalid, Ct));

        Assert.Equal("auditEvent", refused.ParamName);
    }
}
