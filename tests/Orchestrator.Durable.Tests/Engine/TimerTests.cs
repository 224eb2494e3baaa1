using Orchestrator.Durable.Testing;

namespace Orchestrator.Durable.Tests.Engine;

public sealed class TimerTests
{
    [Fact]
    public async Task Timer_of_60_days_fires_at_its_time_and_not_before()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, DateTime>("Sleeper", async (ctx, _) =>
            {
                await ctx.CreateTimer(TimeSpan.FromDays(60), CancellationToken.None);
                return ctx.CurrentUtcDateTime;
            }));
        var start = host.Clock.GetUtcNow();
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Sleeper");
        await host.AdvanceTimeAsync(TimeSpan.FromDays(59));
        var metadata = await host.Client.GetInstanceAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Running, metadata!.RuntimeStatus);
        Assert.Equal(start.AddDays(60), metadata.NextWakeAt);
        await host.AdvanceTimeAsync(TimeSpan.FromDays(2));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(start.AddDays(60).UtcDateTime, result.ReadOutputAs<DateTime>());
    }

    [Fact]
    public async Task Advancing_30_days_fires_every_intermediate_timer_in_order()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, List<int>>("Daily", async (ctx, _) =>
            {
                var days = new List<int>();
                var start = ctx.CurrentUtcDateTime;
                for (var i = 0; i < 30; i++)
                {
                    await ctx.CreateTimer(start.AddDays(i + 1), CancellationToken.None);
                    days.Add((int)(ctx.CurrentUtcDateTime - start).TotalDays);
                }
                return days;
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Daily");
        await host.AdvanceTimeAsync(TimeSpan.FromDays(30));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(Enumerable.Range(1, 30), result.ReadOutputAs<List<int>>()!);
    }

    [Fact]
    public async Task Cancelled_timer_cancels_its_task_and_its_later_firing_is_ignored()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, string>("Race", async (ctx, _) =>
            {
                using var cts = new CancellationTokenSource();
                var timer = ctx.CreateTimer(TimeSpan.FromHours(1), cts.Token);
                var approval = ctx.WaitForExternalEvent<string>("Approve");
                var winner = await Task.WhenAny(timer, approval);
                if (winner != approval)
                    return "timeout";
                cts.Cancel();
                var second = ctx.WaitForExternalEvent<string>("Second");
                await second;
                return $"{approval.Result}:{timer.IsCanceled}";
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Race");
        await host.RunUntilIdleAsync();
        await host.Client.RaiseEventAsync(id, "Approve", "yes");
        await host.RunUntilIdleAsync();
        await host.AdvanceTimeAsync(TimeSpan.FromHours(2)); // the cancelled timer's firing arrives and is ignored
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(id))!.RuntimeStatus);
        await host.Client.RaiseEventAsync(id, "Second", "x");
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("yes:True", result.ReadOutputAs<string>());
        var history = await host.Client.GetHistoryAsync(id);
        Assert.DoesNotContain(history, e => e.EventType == HistoryEventType.TimerFired);
        HistoryAssert.WellFormed(history);
    }

    [Fact]
    public async Task Scheduled_start_stays_pending_until_its_time()
    {
        await using var host = await DurableTestHost.StartAsync(r => r
            .AddOrchestratorFunc<string?, DateTime>("Later", (ctx, _) => Task.FromResult(ctx.CurrentUtcDateTime)));
        var startAt = host.Clock.GetUtcNow().AddHours(3);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Later", null, new StartOrchestrationOptions { StartAt = startAt });
        await host.AdvanceTimeAsync(TimeSpan.FromHours(2));
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await host.Client.GetInstanceAsync(id))!.RuntimeStatus);
        await host.AdvanceTimeAsync(TimeSpan.FromHours(2));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(startAt.UtcDateTime, result.ReadOutputAs<DateTime>());
    }
}
