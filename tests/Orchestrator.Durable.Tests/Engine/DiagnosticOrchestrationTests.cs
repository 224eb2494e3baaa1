using System.Text.Json;
using Orchestrator.Durable.Testing;

namespace Orchestrator.Durable.Tests.Engine;

public sealed class DiagnosticOrchestrationTests
{
    private static Task<DurableTestHost> StartAsync() => DurableTestHost.StartAsync(r => r.AddDiagnosticOrchestrations());

    [Fact]
    public async Task HelloSequence_returns_one_greeting_per_call_in_order()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new { count = 3, delayMs = 0 });
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(["Hello #1", "Hello #2", "Hello #3"], result.ReadOutputAs<List<string>>());
    }

    [Fact]
    public async Task FanOutFanIn_counts_all_parallel_results()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("FanOutFanIn", new { count = 10 });
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(10, result.ReadOutputAs<int>());
    }

    [Fact]
    public async Task ApprovalWithTimeout_returns_approved_when_the_event_comes_first()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("ApprovalWithTimeout", new { timeoutSeconds = 60 });
        await host.RunUntilIdleAsync();
        await host.Client.RaiseEventAsync(id, "Approval", new { by = "someone" });
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("approved", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ApprovalWithTimeout_returns_timeout_when_the_timer_fires_first()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("ApprovalWithTimeout", new { timeoutSeconds = 60 });
        await host.AdvanceTimeAsync(TimeSpan.FromSeconds(61));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("timeout", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task EternalCounter_continues_as_new_until_stopAt()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("EternalCounter", new { stopAt = 5 });
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(5, result.ReadOutputAs<int>());
    }
}
