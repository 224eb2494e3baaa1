using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Durable.InMemory;
using Orchestrator.Durable.Storage;
using Orchestrator.Durable.Worker;

namespace Orchestrator.Durable.Tests.Engine;

public sealed class MultiWorkerTests
{
    private static ServiceProvider BuildWorker(IOrchestrationStore store, TimeProvider clock, Action<DurableTaskWorkerOptions>? worker = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(clock);
        services.AddKeyedSingleton(DurableTaskOptions.InMemoryBackend, store);
        services.AddDurableTask(r => r
            .AddDiagnosticOrchestrations()
            .AddOrchestratorFunc<string?, string>("TwoEvents", async (ctx, _) =>
                await ctx.WaitForExternalEvent<string>("E") + " " + await ctx.WaitForExternalEvent<string>("E")));
        services.Configure<DurableTaskOptions>(o =>
        {
            o.Backend = DurableTaskOptions.InMemoryBackend;
            o.Worker.PollingInterval = TimeSpan.FromMilliseconds(5);
            o.Worker.MaxPollingInterval = TimeSpan.FromMilliseconds(20);
            worker?.Invoke(o.Worker);
        });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Commit_conflict_evicts_the_cache_entry_and_the_retry_works_from_the_winners_state()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var shared = new InMemoryOrchestrationStore(clock);
        var interceptor = new InterceptingStore(shared);
        await using var a = BuildWorker(interceptor, clock);
        await using var b = BuildWorker(shared, clock);
        var episodesA = a.GetRequiredService<EpisodeProcessor>();
        var episodesB = b.GetRequiredService<EpisodeProcessor>();
        var client = a.GetRequiredService<DurableTaskClient>();

        var id = await client.ScheduleNewOrchestrationInstanceAsync("TwoEvents");
        await episodesA.RunAsync(id, default);
        var cachedBefore = episodesA.Cache.TryGet(id);
        Assert.NotNull(cachedBefore);

        await client.RaiseEventAsync(id, "E", "x");
        // Worker B processes the same event between A's load and A's commit: A's commit must lose.
        interceptor.BeforeCommit = _ => episodesB.RunAsync(id, default);
        await episodesA.RunAsync(id, default);

        Assert.Equal(1, interceptor.Conflicts);
        var snapshot = await shared.LoadInstanceAsync(id, true, clock.GetUtcNow(), default);
        var cachedAfter = episodesA.Cache.TryGet(id);
        Assert.NotNull(cachedAfter);
        Assert.Equal(snapshot!.ETag, cachedAfter.ETag); // re-read from storage, not A's discarded episode
        Assert.Equal(snapshot.History!.Count, cachedAfter.History.Count);
        Assert.Single(snapshot.History, e => e.EventType == HistoryEventType.EventRaised);

        await client.RaiseEventAsync(id, "E", "y");
        await episodesA.RunAsync(id, default);
        var result = await client.GetInstanceAsync(id, true);
        Assert.Equal("x y", result!.ReadOutputAs<string>());
        HistoryAssert.WellFormed(await client.GetHistoryAsync(id));
    }

    [Fact]
    public async Task Stale_cache_entry_is_not_used_when_another_worker_advanced_the_instance()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var shared = new InMemoryOrchestrationStore(clock);
        await using var a = BuildWorker(shared, clock);
        await using var b = BuildWorker(shared, clock);
        var episodesA = a.GetRequiredService<EpisodeProcessor>();
        var client = a.GetRequiredService<DurableTaskClient>();

        var id = await client.ScheduleNewOrchestrationInstanceAsync("TwoEvents");
        await episodesA.RunAsync(id, default);
        await client.RaiseEventAsync(id, "E", "x");
        await b.GetRequiredService<EpisodeProcessor>().RunAsync(id, default); // A's cache is now behind
        await client.RaiseEventAsync(id, "E", "y");
        await episodesA.RunAsync(id, default);
        Assert.Equal("x y", (await client.GetInstanceAsync(id, true))!.ReadOutputAs<string>());
        HistoryAssert.WellFormed(await client.GetHistoryAsync(id));
    }

    [Fact]
    public async Task Two_hosted_workers_on_one_store_complete_concurrent_orchestrations()
    {
        var store = new InMemoryOrchestrationStore(TimeProvider.System);
        await using var a = BuildWorker(store, TimeProvider.System, w => w.MaxConcurrentOrchestrations = 4);
        await using var b = BuildWorker(store, TimeProvider.System, w => w.MaxConcurrentOrchestrations = 4);
        var hosted = new[] { a, b }.SelectMany(sp => sp.GetServices<IHostedService>()).ToList();
        foreach (var h in hosted)
            await h.StartAsync(default);
        try
        {
            var client = a.GetRequiredService<DurableTaskClient>();
            var fanOuts = new List<string>();
            for (var i = 0; i < 4; i++)
                fanOuts.Add(await client.ScheduleNewOrchestrationInstanceAsync("FanOutFanIn", new { count = 100 }));
            var sequence = await client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new { count = 5, delayMs = 1 });

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            foreach (var id in fanOuts)
            {
                var r = await client.WaitForInstanceCompletionAsync(id, true, timeout.Token);
                Assert.Equal(100, r.ReadOutputAs<int>());
                var history = await client.GetHistoryAsync(id);
                Assert.Equal(100, history.Count(e => e.EventType == HistoryEventType.TaskCompleted));
                HistoryAssert.WellFormed(history);
            }
            var seq = await client.WaitForInstanceCompletionAsync(sequence, true, timeout.Token);
            Assert.Equal(5, seq.ReadOutputAs<List<string>>()!.Count);
        }
        finally
        {
            foreach (var h in hosted)
                await h.StopAsync(default);
        }
    }
}
