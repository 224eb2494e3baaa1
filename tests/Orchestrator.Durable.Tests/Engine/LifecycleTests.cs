using Orchestrator.Durable.Testing;

namespace Orchestrator.Durable.Tests.Engine;

public sealed class LifecycleTests
{
    private static Task<DurableTestHost> StartAsync() => DurableTestHost.StartAsync(r => r
        .AddActivityFunc<string, string>("Echo", (_, s) => Task.FromResult(s))
        .AddOrchestratorFunc<string?, string>("WaitForGo", async (ctx, input) =>
        {
            var go = await ctx.WaitForExternalEvent<string>("Go");
            return await ctx.CallActivityAsync<string>("Echo", $"{input}:{go}");
        })
        .AddOrchestratorFunc<string?, string>("Quick", (_, input) => Task.FromResult($"done {input}")));

    [Fact]
    public async Task Terminate_ends_a_running_instance_with_the_given_output()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForGo", "x");
        await host.RunUntilIdleAsync();
        await host.Client.TerminateInstanceAsync(id, "stopped by test");
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal("stopped by test", result.ReadOutputAs<string>());
        Assert.Equal(HistoryEventType.ExecutionTerminated, (await host.Client.GetHistoryAsync(id))[^1].EventType);
        await Assert.ThrowsAsync<OrchestrationNotRunningException>(() => host.Client.TerminateInstanceAsync(id));
    }

    [Fact]
    public async Task Suspended_instance_queues_events_and_runs_nothing_until_resumed()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForGo", "x");
        await host.RunUntilIdleAsync();
        await host.Client.SuspendInstanceAsync(id, "maintenance");
        await host.RunUntilIdleAsync();
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await host.Client.GetInstanceAsync(id))!.RuntimeStatus);

        await host.Client.RaiseEventAsync(id, "Go", "now");
        await host.AdvanceTimeAsync(TimeSpan.FromDays(1));
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await host.Client.GetInstanceAsync(id))!.RuntimeStatus);
        Assert.DoesNotContain(await host.Client.GetHistoryAsync(id), e => e.EventType == HistoryEventType.EventRaised);

        await host.Client.ResumeInstanceAsync(id, "done");
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("x:now", result.ReadOutputAs<string>());
        var types = (await host.Client.GetHistoryAsync(id)).Select(e => e.EventType).ToList();
        Assert.True(types.IndexOf(HistoryEventType.ExecutionSuspended) < types.IndexOf(HistoryEventType.ExecutionResumed));
    }

    [Fact]
    public async Task Restart_with_the_same_id_runs_again_from_the_original_input()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Quick", "in", new StartOrchestrationOptions { InstanceId = "r1" });
        var first = await host.Client.WaitForInstanceCompletionAsync(id);
        var restarted = await host.Client.RestartInstanceAsync(id);
        Assert.Equal("r1", restarted);
        var second = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("done in", second.ReadOutputAs<string>());
        Assert.NotEqual(first.ExecutionId, second.ExecutionId);
        Assert.Single(await host.Client.GetHistoryAsync(id), e => e.EventType == HistoryEventType.ExecutionStarted);
    }

    [Fact]
    public async Task Restart_with_a_new_id_leaves_the_old_instance_alone()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Quick", "in");
        await host.Client.WaitForInstanceCompletionAsync(id);
        var newId = await host.Client.RestartInstanceAsync(id, restartWithNewInstanceId: true);
        Assert.NotEqual(id, newId);
        Assert.Equal("done in", (await host.Client.WaitForInstanceCompletionAsync(newId, true)).ReadOutputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host.Client.GetInstanceAsync(id))!.RuntimeStatus);
    }

    [Fact]
    public async Task Restart_of_a_running_instance_with_the_same_id_is_a_conflict()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForGo");
        await host.RunUntilIdleAsync();
        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => host.Client.RestartInstanceAsync(id));
    }

    [Fact]
    public async Task Purge_deletes_an_ended_instance_and_its_history()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Quick");
        await host.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal(1, (await host.Client.PurgeInstanceAsync(id)).PurgedInstanceCount);
        Assert.Null(await host.Client.GetInstanceAsync(id));
        Assert.Empty(await host.Client.GetHistoryAsync(id));
        Assert.Equal(0, (await host.Client.PurgeInstanceAsync(id)).PurgedInstanceCount);
    }

    [Fact]
    public async Task Purge_of_a_running_instance_is_refused()
    {
        await using var host = await StartAsync();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForGo");
        await host.RunUntilIdleAsync();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.PurgeInstanceAsync(id));
        Assert.Contains("Terminate it first", ex.Message);
    }

    [Fact]
    public async Task PurgeInstances_by_filter_deletes_only_matching_ended_instances()
    {
        await using var host = await StartAsync();
        var early = await host.Client.ScheduleNewOrchestrationInstanceAsync("Quick", null, new StartOrchestrationOptions { InstanceId = "early" });
        await host.AdvanceTimeAsync(TimeSpan.FromDays(2));
        var cutoff = host.Clock.GetUtcNow();
        var late = await host.Client.ScheduleNewOrchestrationInstanceAsync("Quick", null, new StartOrchestrationOptions { InstanceId = "late" });
        var running = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForGo", null, new StartOrchestrationOptions { InstanceId = "running" });
        await host.RunUntilIdleAsync();

        var purged = await host.Client.PurgeInstancesAsync(new PurgeInstancesFilter { CreatedTo = cutoff });
        Assert.Equal(1, purged.PurgedInstanceCount);
        Assert.Null(await host.Client.GetInstanceAsync(early));
        Assert.NotNull(await host.Client.GetInstanceAsync(late));

        purged = await host.Client.PurgeInstancesAsync(new PurgeInstancesFilter());
        Assert.Equal(1, purged.PurgedInstanceCount); // "late"; "running" is not ended
        Assert.NotNull(await host.Client.GetInstanceAsync(running));
    }

    [Fact]
    public async Task Scheduling_an_id_that_is_running_is_a_conflict_and_creates_nothing()
    {
        await using var host = await StartAsync();
        await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForGo", "first", new StartOrchestrationOptions { InstanceId = "same" });
        await host.RunUntilIdleAsync();
        var ex = await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() =>
            host.Client.ScheduleNewOrchestrationInstanceAsync("Quick", "second", new StartOrchestrationOptions { InstanceId = "same" }));
        Assert.Equal(OrchestrationRuntimeStatus.Running, ex.Status);
        var instance = await host.Client.GetInstanceAsync("same", true);
        Assert.Equal("WaitForGo", instance!.Name);
        Assert.Equal("first", instance.ReadInputAs<string>());
    }

    [Fact]
    public async Task Scheduling_an_id_that_has_ended_starts_a_fresh_instance()
    {
        await using var host = await StartAsync();
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Quick", "a", new StartOrchestrationOptions { InstanceId = "again" });
        await host.RunUntilIdleAsync();
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Quick", "b", new StartOrchestrationOptions { InstanceId = "again" });
        var result = await host.Client.WaitForInstanceCompletionAsync("again", true);
        Assert.Equal("done b", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Custom_status_is_visible_while_running_and_kept_after_completion()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, string>("Status", async (ctx, _) =>
            {
                ctx.SetCustomStatus(new { step = "waiting" });
                await ctx.WaitForExternalEvent<string>("Go");
                ctx.SetCustomStatus(new { step = "done" });
                return "ok";
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Status");
        await host.RunUntilIdleAsync();
        Assert.Equal("waiting", (await host.Client.GetInstanceAsync(id))!.ReadCustomStatusAs<StatusDto>()!.Step);
        await host.Client.RaiseEventAsync(id, "Go", "x");
        var result = await host.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal("done", result.ReadCustomStatusAs<StatusDto>()!.Step);
    }

    private sealed record StatusDto(string Step);
}
