using Orchestrator.Durable.Testing;

namespace Orchestrator.Durable.Tests.Engine;

public sealed class ContinueAsNewTests
{
    [Fact]
    public async Task ContinueAsNew_starts_a_new_execution_and_drops_the_old_history()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<int, int>("Step", (_, x) => Task.FromResult(x + 1))
            .AddOrchestratorFunc<int, int>("Loop", async (ctx, x) =>
            {
                var next = await ctx.CallActivityAsync<int>("Step", x);
                if (next < 3)
                    ctx.ContinueAsNew(next);
                return next;
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Loop", 0);
        await host.RunUntilIdleAsync();
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(3, result.ReadOutputAs<int>());
        Assert.Equal(2, result.ReadInputAs<int>());
        var history = await host.Client.GetHistoryAsync(id);
        Assert.Single(history, e => e.EventType == HistoryEventType.ExecutionStarted);
        Assert.Single(history, e => e.EventType == HistoryEventType.TaskScheduled);
        Assert.Equal("2", history.Single(e => e.EventType == HistoryEventType.ExecutionStarted).Input);
        HistoryAssert.WellFormed(history);
    }

    [Fact]
    public async Task ContinueAsNew_carries_unprocessed_events_to_the_next_execution()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<int, string>("Gen", async (ctx, generation) =>
            {
                if (generation == 0)
                {
                    await ctx.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None); // events arrive meanwhile, unread
                    ctx.ContinueAsNew(1);
                    return "";
                }
                return await ctx.WaitForExternalEvent<string>("E") + await ctx.WaitForExternalEvent<string>("E");
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Gen", 0);
        await host.RunUntilIdleAsync();
        await host.Client.RaiseEventAsync(id, "E", "a");
        await host.Client.RaiseEventAsync(id, "E", "b");
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(2));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("ab", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ContinueAsNew_without_preserving_drops_unprocessed_events()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<int, string>("Gen", async (ctx, generation) =>
            {
                if (generation == 0)
                {
                    await ctx.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None);
                    ctx.ContinueAsNew(1, preserveUnprocessedEvents: false);
                    return "";
                }
                try { return await ctx.WaitForExternalEvent<string>("E", TimeSpan.FromMinutes(1)); }
                catch (TaskCanceledException) { return "nothing"; }
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Gen", 0);
        await host.RunUntilIdleAsync();
        await host.Client.RaiseEventAsync(id, "E", "a");
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(5));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("nothing", result.ReadOutputAs<string>());
    }
}
