using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Durable.Diagnostics;
using Orchestrator.Durable.Hosting;
using Orchestrator.Durable.Replay;
using Orchestrator.Tests.Shared;
using static Orchestrator.Durable.Tests.Support.DurableTestHost;

namespace Orchestrator.Durable.Tests.Replay;

/// <summary>
/// The replay gate on real histories: instances of "Steps" started on Azurite at version "1" (Echo done, waiting for
/// "Go"), replayed against the same code, a changed copy and the change behind a version branch; and an instance
/// started on a version-1 worker finishing on a version-2 worker.
/// </summary>
public sealed class ReplayCheckerTests : IAsyncLifetime
{
    private const string Steps = "Steps";
    private AzuriteInstance? _azurite;

    public async Task InitializeAsync() => _azurite = await AzuriteInstance.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }

    private IHost Host(string hub, string version, Action<DurableTaskRegistry> steps, bool worker = true)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Durable:AzureStorage:ConnectionString"] = _azurite!.ConnectionString,
            ["Durable:AzureStorage:TaskHubName"] = hub,
            ["Durable:AzureStorage:PartitionCount"] = "1",
            ["Durable:AzureStorage:MaxQueuePollingInterval"] = "00:00:01",
            // A stopped worker's lease lapses quickly, so the next host takes the partition over.
            ["Durable:AzureStorage:LeaseInterval"] = "00:00:04",
            ["Durable:AzureStorage:LeaseRenewInterval"] = "00:00:01",
            ["Durable:AzureStorage:LeaseAcquireInterval"] = "00:00:01",
            ["Durable:Worker:Enabled"] = worker.ToString(),
            ["Durable:Versioning:Version"] = version,
        });
        builder.Services.AddDurableTaskAzureStorage(builder.Configuration.GetSection(DurableTaskHubOptions.SectionName));
        builder.Services.AddDurableTaskWorker(b => b.AddTasks(r =>
        {
            r.AddDiagnosticOrchestrations();
            steps(r);
        }));
        return builder.Build();
    }

    /// <summary>A checker over the hub of <paramref name="client"/> whose registry has "Steps" as <paramref name="steps"/> registers it.</summary>
    private static ReplayChecker Checker(DurableTaskClient client, Action<DurableTaskRegistry> steps)
    {
        var services = new ServiceCollection();
        services.AddSingleton(client);
        services.AddSingleton<DataConverter>(DurableJson.Converter);
        services.Configure<DurableTaskRegistry>(Options.DefaultName, r => { r.AddDiagnosticOrchestrations(); steps(r); });
        return ReplayChecker.Create(services.BuildServiceProvider());
    }

    private static async Task WaitForFirstStepAsync(DurableTaskClient client, string id)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!(await client.GetOrchestrationHistoryAsync(id, cts.Token)).OfType<TaskCompletedEvent>().Any())
            await Task.Delay(200, cts.Token);
    }

    private static async Task<List<string>> StartWaitingAsync(DurableTaskClient client, string prefix, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
            ids.Add(await client.ScheduleNewOrchestrationInstanceAsync(Steps, $"p{i}", new StartOrchestrationOptions($"{prefix}{i}")));
        foreach (var id in ids) await WaitForFirstStepAsync(client, id);
        return ids;
    }

    [Fact]
    public async Task Same_code_replays_clean_a_changed_step_diverges_with_its_event_and_the_version_branch_is_clean()
    {
        using var host = Host(AzuriteFixture.NewHubName("rp"), "1", r => r.AddOrchestrator<StepsV1>(Steps));
        await host.StartAsync();
        try
        {
            var client = host.Client();
            var ids = await StartWaitingAsync(client, "steps-", 3);
            var other = await client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalWithTimeout), new ApprovalWithTimeoutInput(3600),
                new StartOrchestrationOptions("other-1"));
            await client.WaitForStatusAsync(other, OrchestrationRuntimeStatus.Running);
            Assert.Equal("1", (await client.GetOrchestrationHistoryAsync(ids[0])).OfType<ExecutionStartedEvent>().Single().Version);

            // (a) the same code, through the host's own services (its registry and options): all clean.
            var same = await ReplayChecker.Create(host.Services).CheckAsync(new ReplayCheckOptions("steps-"));
            Assert.Equal(3, same.Replayed);
            Assert.Equal(0, same.Diverged);
            var all = await ReplayChecker.Create(host.Services).CheckAsync();
            Assert.Equal((4, 0), (all.Replayed, all.Diverged));
            Assert.Equal(["ApprovalWithTimeout: 1 replayed cleanly, 0 diverged", "Steps: 3 replayed cleanly, 0 diverged", "replayed 4, diverged 0"], all.Lines());

            // (b) a different activity at the existing first step: every Steps instance diverges at TaskScheduled 'Echo' (event 0).
            var changed = await Checker(client, r => r.AddOrchestrator<StepsChanged>(Steps)).CheckAsync();
            Assert.Equal((4, 3), (changed.Replayed, changed.Diverged));
            Assert.All(changed.Results.Where(r => r.Name == Steps), r =>
            {
                Assert.True(r.Diverged);
                Assert.Equal(0, r.EventId);
                Assert.Equal("TaskScheduled 'Echo'", r.Event);
                Assert.Contains("SayHello", r.Message);
                Assert.Equal("1", r.Version);
            });
            Assert.False(changed.Results.Single(r => r.Name == nameof(ApprovalWithTimeout)).Diverged);
            var lines = changed.Lines().ToList();
            Assert.Equal("Steps: 0 replayed cleanly, 3 diverged", lines[1]);
            Assert.Contains(lines, l => l.StartsWith("  steps-0 (version '1'): event 0 TaskScheduled 'Echo': ", StringComparison.Ordinal));
            Assert.Equal("replayed 4, diverged 3", lines[^1]);

            // (c) the same change behind `context.CompareVersionTo("2") >= 0`: the version-1 instances replay clean.
            var branched = await Checker(client, r => r.AddOrchestrator<StepsBranched>(Steps)).CheckAsync(new ReplayCheckOptions("steps-"));
            Assert.Equal((3, 0), (branched.Replayed, branched.Diverged));

            // An orchestrator this build no longer has diverges too; a sample replays only N.
            var missing = await Checker(client, _ => { }).CheckAsync(new ReplayCheckOptions("steps-", Sample: 2));
            Assert.Equal((2, 2), (missing.Replayed, missing.Diverged));
            Assert.All(missing.Results, r => Assert.Contains("No orchestrator named 'Steps'", r.Message));

            // The verb: its last line and its exit status.
            var output = new StringWriter();
            Assert.Equal(1, await ReplayCheckCommand.RunAsync(Checker(client, r => r.AddOrchestrator<StepsChanged>(Steps)), ["--prefix", "steps-"], output));
            Assert.Equal("replayed 3, diverged 3", output.ToString().TrimEnd().Split('\n')[^1].TrimEnd('\r'));
            output = new StringWriter();
            Assert.Equal(0, await ReplayCheckCommand.RunAsync(Checker(client, r => r.AddOrchestrator<StepsBranched>(Steps)), ["--sample", "2"], output));
            Assert.Equal("replayed 2, diverged 0", output.ToString().TrimEnd().Split('\n')[^1].TrimEnd('\r'));
            Assert.Equal(2, await ReplayCheckCommand.RunAsync(Checker(client, _ => { }), ["--sample", "x"], new StringWriter()));

            // The replay wrote nothing: the instances are where they were.
            var history = await client.GetOrchestrationHistoryAsync(ids[0]);
            Assert.Single(history.OfType<TaskScheduledEvent>());
            Assert.Equal(OrchestrationRuntimeStatus.Running, (await client.GetInstanceAsync(ids[0]))!.RuntimeStatus);
        }
        finally
        {
            await host.StopAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task An_instance_started_on_version_1_completes_on_a_version_2_worker_on_the_old_path()
    {
        var hub = AzuriteFixture.NewHubName("up");
        string oldId;
        using (var v1 = Host(hub, "1", r => r.AddOrchestrator<StepsV1>(Steps)))
        {
            await v1.StartAsync();
            oldId = (await StartWaitingAsync(v1.Client(), "upgrade-", 1))[0];
            await v1.StopAsync(TimeSpan.FromSeconds(10));
        }

        using var v2 = Host(hub, "2", r => r.AddOrchestrator<StepsBranched>(Steps));
        await v2.StartAsync();
        try
        {
            var client = v2.Client();
            Assert.Equal(0, (await ReplayChecker.Create(v2.Services).CheckAsync()).Diverged);

            var newId = await client.ScheduleNewOrchestrationInstanceAsync(Steps, "fresh", new StartOrchestrationOptions("upgrade-new"));
            await WaitForFirstStepAsync(client, newId);
            await client.RaiseEventAsync(oldId, "Go", true);
            await client.RaiseEventAsync(newId, "Go", true);

            var old = await client.WaitForInstanceCompletionAsync(oldId, getInputsAndOutputs: true, Timeout(60));
            Assert.Equal(OrchestrationRuntimeStatus.Completed, old.RuntimeStatus);
            Assert.Equal("old:p0", old.ReadOutputAs<string>());
            var oldHistory = await client.GetOrchestrationHistoryAsync(oldId);
            Assert.Equal("1", oldHistory.OfType<ExecutionStartedEvent>().Single().Version);
            Assert.Equal([nameof(Echo), nameof(Echo)], oldHistory.OfType<TaskScheduledEvent>().Select(e => e.Name));

            var fresh = await client.WaitForInstanceCompletionAsync(newId, getInputsAndOutputs: true, Timeout(60));
            Assert.Equal("Hello new:fresh!", fresh.ReadOutputAs<string>());
            Assert.Equal("2", (await client.GetOrchestrationHistoryAsync(newId)).OfType<ExecutionStartedEvent>().Single().Version);
        }
        finally
        {
            await v2.StopAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task A_strict_worker_leaves_other_versions_alone_and_fail_strategy_fails_them()
    {
        var hub = AzuriteFixture.NewHubName("st");
        // Rebuilt with Strict + Fail on version "1"; an instance started at version "2" is failed with the reason.
        using var strict = HostWith(hub, "1", "Strict", "Fail");
        await strict.StartAsync();
        try
        {
            var id = await strict.Client().ScheduleNewOrchestrationInstanceAsync(Steps, "x",
                new StartOrchestrationOptions("strict-1") { Version = "2" });
            var done = await strict.Client().WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout(60));
            Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
            // DTFx on Azure Storage keeps the error in the output (FailureDetails stays empty).
            Assert.Contains("does not match the worker version '1'", done.FailureDetails?.ErrorMessage ?? done.SerializedOutput);
        }
        finally
        {
            await strict.StopAsync(TimeSpan.FromSeconds(10));
        }

        IHost HostWith(string h, string version, string match, string failure)
        {
            var built = Host(h, version, r => r.AddOrchestrator<StepsV1>(Steps));
            var options = built.Services.GetRequiredService<IOptions<DurableTaskHubOptions>>().Value.Versioning;
            Assert.Equal(DurableTaskWorkerOptions.VersionMatchStrategy.None, options.MatchStrategy);
            built.Dispose();
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Durable:AzureStorage:ConnectionString"] = _azurite!.ConnectionString,
                ["Durable:AzureStorage:TaskHubName"] = h,
                ["Durable:AzureStorage:PartitionCount"] = "1",
                ["Durable:AzureStorage:MaxQueuePollingInterval"] = "00:00:01",
                ["Durable:Versioning:Version"] = version,
                ["Durable:Versioning:MatchStrategy"] = match,
                ["Durable:Versioning:FailureStrategy"] = failure,
            });
            builder.Services.AddDurableTaskAzureStorage(builder.Configuration.GetSection(DurableTaskHubOptions.SectionName));
            builder.Services.AddDurableTaskWorker(b => b.AddTasks(r => { r.AddDiagnosticOrchestrations(); r.AddOrchestrator<StepsV1>(Steps); }));
            return builder.Build();
        }
    }
}
