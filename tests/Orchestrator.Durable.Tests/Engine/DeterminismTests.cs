using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Durable.Testing;

namespace Orchestrator.Durable.Tests.Engine;

public sealed class DeterminismTests
{
    [Fact]
    public async Task NewGuid_and_CurrentUtcDateTime_are_the_same_on_every_replay()
    {
        var observed = new List<(Guid Guid, DateTime Time, bool Replaying)>();
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<string?, string>("Noop", (_, _) => Task.FromResult("x"))
            .AddOrchestratorFunc<string?, string>("Det", async (ctx, _) =>
            {
                await ctx.CreateTimer(TimeSpan.FromMinutes(5), CancellationToken.None);
                observed.Add((ctx.NewGuid(), ctx.CurrentUtcDateTime, ctx.IsReplaying));
                await ctx.CallActivityAsync<string>("Noop");
                await ctx.CallActivityAsync<string>("Noop");
                return "done";
            }),
            services => services.Configure<DurableTaskOptions>(o => o.Worker.InstanceCacheSize = 0));
        var start = host.Clock.GetUtcNow();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Det");
        await host.AdvanceTimeAsync(TimeSpan.FromHours(1));
        await host.Client.WaitForInstanceCompletionAsync(id);

        Assert.Equal(3, observed.Count); // first run, then two replays
        Assert.Equal([false, true, true], observed.Select(o => o.Replaying));
        Assert.Single(observed.Select(o => o.Guid).Distinct());
        Assert.Single(observed.Select(o => o.Time).Distinct());
        Assert.Equal(start.AddMinutes(5).UtcDateTime, observed[0].Time);
        Assert.Equal(5, observed[0].Guid.Version);
    }

    [Fact]
    public async Task NewGuid_differs_between_calls_and_between_instances()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, Guid[]>("Guids", (ctx, _) => Task.FromResult(new[] { ctx.NewGuid(), ctx.NewGuid() })));
        var a = await host.Client.ScheduleNewOrchestrationInstanceAsync("Guids");
        var b = await host.Client.ScheduleNewOrchestrationInstanceAsync("Guids");
        var ga = (await host.Client.WaitForInstanceCompletionAsync(a, true)).ReadOutputAs<Guid[]>()!;
        var gb = (await host.Client.WaitForInstanceCompletionAsync(b, true)).ReadOutputAs<Guid[]>()!;
        Assert.Equal(4, ga.Concat(gb).Distinct().Count());
    }

    [Fact]
    public async Task Changed_code_fails_the_instance_with_a_nondeterminism_error_naming_both_actions()
    {
        var useNewCode = false;
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<string?, string>("OldStep", (_, _) => Task.FromResult("old"))
            .AddActivityFunc<string?, string>("NewStep", (_, _) => Task.FromResult("new"))
            .AddOrchestratorFunc<string?, string>("Evolving", async (ctx, _) =>
            {
                var first = await ctx.CallActivityAsync<string>(useNewCode ? "NewStep" : "OldStep");
                await ctx.WaitForExternalEvent<string>("Continue");
                return first;
            }),
            services => services.Configure<DurableTaskOptions>(o => o.Worker.InstanceCacheSize = 0));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Evolving");
        await host.RunUntilIdleAsync();
        var before = await host.Client.GetHistoryAsync(id);

        useNewCode = true; // a deployment changed the orchestrator while the instance was waiting
        await host.Client.RaiseEventAsync(id, "Continue", "go");
        var result = await host.Client.WaitForInstanceCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("Non-deterministic", result.FailureDetails!.ErrorMessage);
        Assert.Contains("TaskScheduled #0 'OldStep'", result.FailureDetails.ErrorMessage);
        Assert.Contains("TaskScheduled #0 'NewStep'", result.FailureDetails.ErrorMessage);
        var after = await host.Client.GetHistoryAsync(id);
        Assert.Equal(before.Select(e => e.ToString()), after.Take(before.Count).Select(e => e.ToString())); // history untouched
        Assert.Equal(HistoryEventType.ExecutionFailed, after[^1].EventType);
        Assert.DoesNotContain(after, e => e.EventType == HistoryEventType.TaskScheduled && e.Name == "NewStep");
    }

    [Fact]
    public async Task Removed_action_is_reported_as_nondeterminism()
    {
        var skipTimer = false;
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, string>("Shrinking", async (ctx, _) =>
            {
                if (!skipTimer)
                    await ctx.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None);
                await ctx.WaitForExternalEvent<string>("Continue");
                return "done";
            }),
            services => services.Configure<DurableTaskOptions>(o => o.Worker.InstanceCacheSize = 0));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Shrinking");
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(2));
        skipTimer = true;
        await host.Client.RaiseEventAsync(id, "Continue", "go");
        var result = await host.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("history has TimerCreated #0", result.FailureDetails!.ErrorMessage);
        Assert.Contains("did not create it", result.FailureDetails.ErrorMessage);
    }

    [Fact]
    public async Task Awaiting_Task_Delay_fails_the_instance_with_an_explanation()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, string>("Delays", async (ctx, _) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20));
                return "never";
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Delays");
        var result = await host.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("did not create", result.FailureDetails!.ErrorMessage);
        Assert.Contains("context.CreateTimer", result.FailureDetails.ErrorMessage);
    }

    [Fact]
    public async Task Awaiting_Task_Run_fails_the_instance_instead_of_hanging()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, int>("Runs", async (ctx, _) =>
                await Task.Run(async () => { await Task.Delay(50); return 1; })));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Runs");
        var result = await host.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("Task.Run", result.FailureDetails!.ErrorMessage);
    }

    [Fact]
    public async Task Blocking_on_Result_fails_the_instance_instead_of_hanging_the_worker()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<string?, string>("Slow", (_, _) => Task.FromResult("x"))
            .AddOrchestratorFunc<string?, string>("Blocks", (ctx, _) => Task.FromResult(ctx.CallActivityAsync<string>("Slow").Result)),
            services => services.Configure<DurableTaskOptions>(o => o.Worker.OrchestratorCodeTimeout = TimeSpan.FromMilliseconds(200)));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Blocks");
        var result = await host.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("blocks its thread", result.FailureDetails!.ErrorMessage);
    }

    [Fact]
    public async Task Cached_instance_continues_its_live_code_without_replaying()
    {
        var starts = 0;
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<int, int>("Inc", (_, x) => Task.FromResult(x + 1))
            .AddOrchestratorFunc<int, int>("Counting", async (ctx, x) =>
            {
                starts++;
                for (var i = 0; i < 5; i++)
                    x = await ctx.CallActivityAsync<int>("Inc", x);
                return x;
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Counting", 0);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(5, result.ReadOutputAs<int>());
        Assert.Equal(1, starts); // six episodes, one run of the code
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public async Task Live_and_replayed_execution_record_the_same_history(int cacheSize)
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<int, int>("Twice", (_, x) => Task.FromResult(2 * x))
            .AddOrchestratorFunc<string?, string>("Shape", async (ctx, _) =>
            {
                var a = await ctx.CallActivityAsync<int>("Twice", 1);
                var guid = ctx.NewGuid();
                await ctx.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None);
                var b = await Task.WhenAll(ctx.CallActivityAsync<int>("Twice", 2), ctx.CallActivityAsync<int>("Twice", 3));
                var e = await ctx.WaitForExternalEvent<string>("E");
                return $"{a}|{b.Sum()}|{e}|{guid}|{ctx.CurrentUtcDateTime:O}";
            }),
            services => services.Configure<DurableTaskOptions>(o => o.Worker.InstanceCacheSize = cacheSize));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Shape", null, new StartOrchestrationOptions { InstanceId = "shape" });
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(2));
        await host.Client.RaiseEventAsync(id, "E", "e");
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        var history = await host.Client.GetHistoryAsync(id);
        var shape = string.Join(",", history.Select(h => $"{h.EventType}:{h.EventId}:{h.TaskScheduledId}"));
        Assert.Equal(
            "OrchestratorStarted:-1:,ExecutionStarted:-1:,TaskScheduled:0:,OrchestratorStarted:-1:,TaskCompleted:-1:0,TimerCreated:1:," +
            "OrchestratorStarted:-1:,TimerFired:-1:1,TaskScheduled:2:,TaskScheduled:3:,OrchestratorStarted:-1:,TaskCompleted:-1:2,TaskCompleted:-1:3," +
            "OrchestratorStarted:-1:,EventRaised:-1:,ExecutionCompleted:-1:", shape);
        var output = result.ReadOutputAs<string>()!.Split('|');
        Assert.Equal(["2", "10", "e"], output[..3]);
        Assert.Equal(Execution.DeterministicGuid.Create($"shape|{result.ExecutionId}|0").ToString(), output[3]);
    }

    [Fact]
    public async Task History_of_a_mixed_orchestration_is_well_formed()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddActivityFunc<int, int>("Twice", (_, x) => Task.FromResult(2 * x))
            .AddActivityFunc<int, int>("FailsOnce", (_, x) => ++_failsOnce == 1 ? throw new InvalidOperationException("first") : Task.FromResult(x))
            .AddOrchestratorFunc<int, int>("Leaf", async (ctx, x) => await ctx.CallActivityAsync<int>("Twice", x))
            .AddOrchestratorFunc<string?, int>("Mixed", async (ctx, _) =>
            {
                var a = await ctx.CallActivityAsync<int>("Twice", 1);
                await ctx.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None);
                var parallel = await Task.WhenAll(ctx.CallActivityAsync<int>("Twice", 2), ctx.CallSubOrchestratorAsync<int>("Leaf", 3));
                var b = await ctx.CallActivityAsync<int>("FailsOnce", 4, new TaskOptions(new RetryPolicy(2, TimeSpan.FromSeconds(5))));
                try { await ctx.WaitForExternalEvent<string>("Maybe", TimeSpan.FromSeconds(10)); } catch (TaskCanceledException) { }
                return a + parallel.Sum() + b;
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Mixed");
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(10));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(2 + 4 + 6 + 4, result.ReadOutputAs<int>());
        HistoryAssert.WellFormed(await host.Client.GetHistoryAsync(id));
    }

    private static int _failsOnce;
}
