using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Durable.AzureStorage;
using Orchestrator.Durable.Storage;
using Orchestrator.Durable.Tests.AzureStorage;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Durable.Tests.Faults;

/// <summary>
/// Worker processes killed at each step of an episode, several workers on one store, and a storage restart: after
/// recovery every instance completes with a well-formed history in which each task was scheduled once.
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Faults")]
public sealed class ProcessFaultTests(AzuriteFixture fixture)
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(150);

    public static TheoryData<string, int, bool> CrashPoints() => new()
    {
        { StoreFaults.BeforeCommit, 4, true },
        { StoreFaults.AfterHistoryWrite, 1, true },
        { StoreFaults.AfterCommitBeforeDispatch, 4, true },
        { StoreFaults.AfterDispatchBeforeOutboxDelete, 4, true },
        { StoreFaults.AfterActivityBeforeResult, 4, true },
        { StoreFaults.BeforeWakeUp, 6, true },
        { StoreFaults.AfterResultBeforeActivityComplete, 4, true },
        { StoreFaults.AfterEpisodeBeforeWakeUpComplete, 3, true },
        // The same steps with every activity going through the durable queue.
        { StoreFaults.AfterActivityBeforeResult, 4, false },
        { StoreFaults.AfterResultBeforeActivityComplete, 4, false },
        { StoreFaults.AfterCommitBeforeDispatch, 4, false },
    };

    /// <summary>
    /// The test's client (no worker), with the fault workers' short recovery intervals: the index rows it writes for
    /// the instances it creates say when the sweep looks at them first, which bounds how soon a start lost with a
    /// crashed worker is found.
    /// </summary>
    private static Task<AzureEngineHost> ClientAsync(string connectionString, string hub) =>
        AzureEngineHost.StartAsync(connectionString, hub, configure: o => o.Worker.Enabled = false,
            services: s => s.AddKeyedSingleton<IOrchestrationStore>(DurableTaskOptions.AzureStorageBackend, (sp, _) =>
                new AzureStorageOrchestrationStore(new AzureStorageStoreOptions
                {
                    ConnectionString = connectionString,
                    TaskHubName = hub,
                    IndexRecheckAfter = TimeSpan.FromSeconds(2),
                    IndexRecheckMax = TimeSpan.FromSeconds(10),
                }, sp.GetRequiredService<TimeProvider>())));

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task Worker_killed_at_a_step_then_a_healthy_worker_completes_everything(string crashAt, int crashAfter, bool local)
    {
        var hub = AzuriteFixture.NewHubName("f");
        await using var client = await ClientAsync(fixture.ConnectionString, hub);
        await using var crashing = await WorkerProcess.StartAsync(fixture.ConnectionString, hub, crashAt, crashAfter, local);
        var ids = await FaultScenario.ScheduleAsync(client.Client, "c", helloCount: 4, fanOuts: 1);

        Assert.True(await crashing.WaitForExitAsync(TimeSpan.FromSeconds(90)), $"the worker never reached {crashAt}:\n{crashing.Output}");
        Assert.Contains($"crashing at {crashAt}", crashing.Output);

        await using var healthy = await WorkerProcess.StartAsync(fixture.ConnectionString, hub, local: local);
        await FaultScenario.AssertAllCompleteWellFormedAsync(client.Client, ids, Recovery, () => healthy.Output);
    }

    [Fact]
    public async Task Three_worker_processes_on_one_store_complete_many_instances()
    {
        var hub = AzuriteFixture.NewHubName("m");
        await using var client = await ClientAsync(fixture.ConnectionString, hub);
        var workers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => WorkerProcess.StartAsync(fixture.ConnectionString, hub)));
        try
        {
            var ids = await FaultScenario.ScheduleAsync(client.Client, "m", helloCount: 40, fanOuts: 2);
            await FaultScenario.AssertAllCompleteWellFormedAsync(client.Client, ids, Recovery,
                () => string.Join("\n---\n", workers.Select(w => w.Output)));
        }
        finally
        {
            foreach (var w in workers) await w.DisposeAsync();
        }
    }

    [Fact]
    public async Task Storage_restarted_mid_run_everything_completes()
    {
        // A private Azurite: restarting the collection's one would disturb nothing here, but keeps this self-contained.
        await using var azurite = await AzuriteInstance.StartAsync();
        var hub = AzuriteFixture.NewHubName("r");
        await using var client = await ClientAsync(azurite.ConnectionString, hub);
        await using var w1 = await WorkerProcess.StartAsync(azurite.ConnectionString, hub);
        await using var w2 = await WorkerProcess.StartAsync(azurite.ConnectionString, hub, local: false);
        var ids = await FaultScenario.ScheduleAsync(client.Client, "r", helloCount: 20, fanOuts: 1);

        await Task.Delay(TimeSpan.FromSeconds(1));
        await azurite.RestartAsync();

        await FaultScenario.AssertAllCompleteWellFormedAsync(client.Client, ids, Recovery,
            () => w1.Output + "\n---\n" + w2.Output + "\n--- azurite\n" + azurite.RecentOutput);
    }
}
