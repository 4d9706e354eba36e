using Npgsql;
using QuantaSeal.Grains.Audit.Queue;

namespace QuantaSeal.Grains.Tests.Streaming;

/// <summary>The stream provider's own connection settings and the audit stream names.</summary>
public sealed class AuditStreamHostingTests
{
    private const string Base = "Host=127.0.0.1;Port=5432;Username=qs;Password=s3cret-Value;Database=qs";

    [Fact]
    public void ForStreams_CapsTimeouts_AndUsesItsOwnApplicationName()
    {
        var builder = new NpgsqlConnectionStringBuilder(AuditStreamHosting.ForStreams(Base, AuditStreamSettings.Default));

        Assert.Equal(AuditStreamSettings.Default.ConnectTimeoutSeconds, builder.Timeout);
        Assert.Equal(AuditStreamSettings.Default.CommandTimeoutSeconds, builder.CommandTimeout);
        Assert.Equal(AuditStreamHosting.ApplicationName, builder.ApplicationName);
        Assert.Equal(-1, builder.CancellationTimeout);
        Assert.Equal(GssEncryptionMode.Disable, builder.GssEncryptionMode);
        Assert.Equal("s3cret-Value", builder.Password);
        Assert.False(new NpgsqlConnectionStringBuilder(AuditStreamHosting.ForStreams(Base + ";Enlist=true", AuditStreamSettings.Default)).Enlist);
    }

    [Fact]
    public void ForStreams_KeepsTheCallersCancellationAndGssChoices()
    {
        var builder = new NpgsqlConnectionStringBuilder(AuditStreamHosting.ForStreams(
            Base + ";Cancellation Timeout=500;GSS Encryption Mode=Require", AuditStreamSettings.Default));

        Assert.Equal(500, builder.CancellationTimeout);
        Assert.Equal(GssEncryptionMode.Require, builder.GssEncryptionMode);
    }

    [Fact]
    public void ForStreams_PreparesRepeatedStatements_WithoutResettingConnections_UnlessTheCallerChose()
    {
        var ours = new NpgsqlConnectionStringBuilder(AuditStreamHosting.ForStreams(Base, AuditStreamSettings.Default));
        var theirs = new NpgsqlConnectionStringBuilder(AuditStreamHosting.ForStreams(
            Base + ";Max Auto Prepare=0;Auto Prepare Min Usages=7;No Reset On Close=false", AuditStreamSettings.Default));

        Assert.Equal((32, 2, true), (ours.MaxAutoPrepare, ours.AutoPrepareMinUsages, ours.NoResetOnClose));
        Assert.Equal((0, 7, false), (theirs.MaxAutoPrepare, theirs.AutoPrepareMinUsages, theirs.NoResetOnClose));
    }

    [Fact]
    public void ForStreams_KeepsShorterTimeouts_AndReplacesWaitForever()
    {
        var shorter = new NpgsqlConnectionStringBuilder(
            AuditStreamHosting.ForStreams(Base + ";Timeout=1;Command Timeout=2;Application Name=mine", AuditStreamSettings.Default));
        var forever = new NpgsqlConnectionStringBuilder(
            AuditStreamHosting.ForStreams(Base + ";Command Timeout=0;Timeout=60", AuditStreamSettings.Default));

        Assert.Equal(1, shorter.Timeout);
        Assert.Equal(2, shorter.CommandTimeout);
        Assert.Equal("mine", shorter.ApplicationName);
        Assert.Equal(AuditStreamSettings.Default.CommandTimeoutSeconds, forever.CommandTimeout);
        Assert.Equal(AuditStreamSettings.Default.ConnectTimeoutSeconds, forever.Timeout);
    }

    [Fact]
    public void ForStreams_RejectsAnInvalidString_WithoutEchoingIt()
    {
        var ex = Assert.Throws<ArgumentException>(
            () => AuditStreamHosting.ForStreams("Host=x;Password=s3cret-Value;Bogus Key=1", AuditStreamSettings.Default));

        Assert.DoesNotContain("s3cret-Value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamIdFor_IsTheAuditNamespaceAndTheTenantId()
    {
        var id = AuditStreams.StreamIdFor("ten_abc");

        Assert.Equal(AuditStreams.Namespace, id.GetNamespace());
        Assert.Equal("ten_abc", id.GetKeyAsString());
        Assert.Throws<ArgumentException>(() => AuditStreams.StreamIdFor(" "));
    }

    [Fact]
    public void DefaultTuning_WaitsOutOutagesBeforeDeadLettering_AndPacesBusyReadsBelowTheIdlePoll()
    {
        var settings = AuditStreamSettings.Default;

        Assert.True(settings.MaxEventDeliveryTime >= TimeSpan.FromMinutes(1));
        Assert.InRange(settings.BusyReadSpacing, TimeSpan.FromMilliseconds(1), settings.PollingInterval);
    }
}
