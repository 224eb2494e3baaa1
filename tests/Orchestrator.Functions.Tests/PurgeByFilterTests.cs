using System.Net;
using Orchestrator.Functions.Tests.Infrastructure;

namespace Orchestrator.Functions.Tests;

/// <summary>DELETE instances?filters on a host of its own (it purges whatever matches).</summary>
public sealed class PurgeByFilterTests
{
    private const string P = HostUnderTest.Prefix;

    [Fact]
    public async Task Purge_by_filter_deletes_ended_instances_in_range_and_keeps_running_ones()
    {
        await using var host = await HostUnderTest.StartAsync();
        using var ops = host.Client();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        for (var i = 0; i < 3; i++) await ops.StartAsync("HelloSequence", """{"count":1,"delayMs":0}""", $"done-{i}");
        await ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", "still-running");
        for (var i = 0; i < 3; i++) await ops.WaitForEndAsync($"done-{i}");
        await ops.WaitForStatusAsync("still-running", "Running");

        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        using (var none = await ops.DeleteAsync($"{P}/instances?createdTimeFrom={future}"))
            await none.AssertProblemAsync(HttpStatusCode.NotFound, "no-instances-matched");
        using (var failedOnly = await ops.DeleteAsync($"{P}/instances?createdTimeFrom={Uri.EscapeDataString(start.ToString("O"))}&runtimeStatus=Failed"))
            await failedOnly.AssertProblemAsync(HttpStatusCode.NotFound, "no-instances-matched");

        using var purge = await ops.DeleteAsync($"{P}/instances?createdTimeFrom={Uri.EscapeDataString(start.ToString("O"))}&runtimeStatus=Completed,Terminated");
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(3, (int?)(await purge.ReadJsonAsync())["instancesDeleted"]);

        var left = await ops.ListAsync("");
        Assert.Equal("still-running", (string?)Assert.Single(left)["instanceId"]);
    }
}
