using Orchestrator.Tests.Shared;

namespace Orchestrator.Durable.Tests.AzureStorage;

/// <summary>The engine end to end on the Azure Storage backend (real Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class EngineOnAzuriteTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task HelloSequence_completes_with_a_well_formed_history()
    {
        await using var host = await AzureEngineHost.StartAsync(fixture.ConnectionString, AzuriteFixture.NewHubName());
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new { count = 5, delayMs = 0 });
        var result = await host.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(["Hello #1", "Hello #2", "Hello #3", "Hello #4", "Hello #5"], result.ReadOutputAs<List<string>>());
        var history = await host.Client.GetHistoryAsync(id);
        Assert.Equal(5, history.Count(h => h.EventType == HistoryEventType.TaskScheduled));
        Assert.Equal(5, history.Count(h => h.EventType == HistoryEventType.TaskCompleted));
        Assert.Equal(HistoryEventType.ExecutionCompleted, history[^1].EventType);
    }

    [Fact]
    public async Task FanOutFanIn_of_300_completes()
    {
        await using var host = await AzureEngineHost.StartAsync(fixture.ConnectionString, AzuriteFixture.NewHubName(),
            configure: o => o.Worker.MaxConcurrentActivities = 32);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("FanOutFanIn", new { count = 300 });
        var result = await host.WaitAsync(id, TimeSpan.FromSeconds(120));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(300, result.ReadOutputAs<int>());
        var history = await host.Client.GetHistoryAsync(id);
        Assert.Equal(300, history.Count(h => h.EventType == HistoryEventType.TaskScheduled));
        Assert.Equal(300, history.Select(h => h).Where(h => h.EventType == HistoryEventType.TaskCompleted).Select(h => h.TaskScheduledId).Distinct().Count());
    }

    [Fact]
    public async Task Approval_event_and_query_and_purge_through_the_client()
    {
        await using var host = await AzureEngineHost.StartAsync(fixture.ConnectionString, AzuriteFixture.NewHubName());
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("ApprovalWithTimeout", new { timeoutSeconds = 600 },
            new StartOrchestrationOptions { Tags = new Dictionary<string, string> { ["kind"] = "approval" } });
        await host.Client.RaiseEventAsync(id, "Approval", new { by = "me" });
        var result = await host.WaitAsync(id);
        Assert.Equal("approved", result.ReadOutputAs<string>());

        var query = await host.Client.QueryInstancesAsync(new OrchestrationQuery { Tags = new Dictionary<string, string> { ["kind"] = "approval" } });
        Assert.Equal(id, Assert.Single(query.Instances).InstanceId);
        var purge = await host.Client.PurgeInstanceAsync(id);
        Assert.Equal(1, purge.PurgedInstanceCount);
        Assert.Null(await host.Client.GetInstanceAsync(id));
    }

    [Fact]
    public async Task A_200_KB_input_and_output_round_trip_through_the_engine()
    {
        await using var host = await AzureEngineHost.StartAsync(fixture.ConnectionString, AzuriteFixture.NewHubName(),
            r => r.AddOrchestratorFunc<string, string>("EchoBig", async (ctx, s) => await ctx.CallActivityAsync<string>("EchoString", s))
                  .AddActivityFunc<string, string>("EchoString", (_, s) => Task.FromResult(s)));
        var big = new string('b', 200_000);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("EchoBig", big);
        var result = await host.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(big, result.ReadOutputAs<string>());
        Assert.Equal(big, result.ReadInputAs<string>());
    }

    [Fact]
    public async Task Payload_over_the_limit_is_refused_by_the_client_and_nothing_is_stored()
    {
        await using var host = await AzureEngineHost.StartAsync(fixture.ConnectionString, AzuriteFixture.NewHubName(),
            configure: o => o.MaxPayloadBytes = 100_000);
        await Assert.ThrowsAsync<PayloadTooLargeException>(() =>
            host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new string('x', 200_000), new StartOrchestrationOptions { InstanceId = "refused" }));
        Assert.Null(await host.Client.GetInstanceAsync("refused"));
        Assert.Empty((await host.Client.QueryInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "refused" })).Instances);
    }
}
