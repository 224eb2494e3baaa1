using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Durable.InMemory;
using Orchestrator.Durable.Worker;

namespace Orchestrator.Durable.Tests.Engine;

/// <summary>What happens when the process dies or a send is lost between the commit and the sends after it.</summary>
public sealed class RecoveryTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private ServiceProvider Build(InterceptingStore store)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddKeyedSingleton<Storage.IOrchestrationStore>(DurableTaskOptions.InMemoryBackend, store);
        services.AddDurableTask(r => r
            .AddActivityFunc<int, int>("Inc", (_, x) => Task.FromResult(x + 1))
            .AddOrchestratorFunc<int, int>("IncTwice", async (ctx, x) => await ctx.CallActivityAsync<int>("Inc", await ctx.CallActivityAsync<int>("Inc", x)))
            .AddOrchestratorFunc<string?, string>("Nap", async (ctx, _) =>
            {
                await ctx.CreateTimer(TimeSpan.FromHours(1), CancellationToken.None);
                return "awake";
            }));
        services.Configure<DurableTaskOptions>(o => { o.Backend = DurableTaskOptions.InMemoryBackend; o.Worker.Enabled = false; });
        return services.BuildServiceProvider();
    }

    private static async Task DrainAsync(DurableTaskWorker worker)
    {
        while (await worker.RunActivitiesSequentiallyAsync(10, default) + await worker.RunWakeUpsSequentiallyAsync(10, default) + await worker.SweepAsync(default) > 0)
        {
        }
    }

    [Fact]
    public async Task Outbox_left_by_a_crash_after_the_commit_is_sent_by_the_next_episode()
    {
        var store = new InterceptingStore(new InMemoryOrchestrationStore(_clock)) { FailEnqueues = 1 };
        await using var sp = Build(store);
        var client = sp.GetRequiredService<DurableTaskClient>();
        var worker = sp.GetRequiredService<DurableTaskWorker>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync("IncTwice", 1);

        await Assert.ThrowsAsync<IOException>(() => worker.RunWakeUpsSequentiallyAsync(10, default));
        var snapshot = await store.LoadInstanceAsync(id, true, _clock.GetUtcNow(), default);
        Assert.Single(snapshot!.History!, e => e.EventType == HistoryEventType.TaskScheduled); // committed...
        Assert.Single(snapshot.Outbox);                                                        // ...but not sent
        Assert.Equal(_clock.GetUtcNow() + Execution.EpisodePlanner.OutboxRecheckDelay, snapshot.State.NextWakeAt);

        _clock.Advance(TimeSpan.FromMinutes(3)); // the wake-up's lease expires and the sweep finds the instance due
        await DrainAsync(worker);

        var result = await client.GetInstanceAsync(id, true);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result!.RuntimeStatus);
        Assert.Equal(3, result.ReadOutputAs<int>());
        HistoryAssert.WellFormed(await client.GetHistoryAsync(id));
    }

    [Fact]
    public async Task Lost_timer_wake_up_is_repaired_by_the_sweep()
    {
        var store = new InterceptingStore(new InMemoryOrchestrationStore(_clock));
        store.DropWakeUp = (_, notBefore) => notBefore is not null; // every delayed wake-up is lost
        await using var sp = Build(store);
        var client = sp.GetRequiredService<DurableTaskClient>();
        var worker = sp.GetRequiredService<DurableTaskWorker>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync("Nap");
        await DrainAsync(worker);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await client.GetInstanceAsync(id))!.RuntimeStatus);

        _clock.Advance(TimeSpan.FromHours(1));
        await DrainAsync(worker);
        Assert.Equal("awake", (await client.GetInstanceAsync(id, true))!.ReadOutputAs<string>());
    }
}
