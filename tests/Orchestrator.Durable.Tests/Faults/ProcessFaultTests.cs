using System.Diagnostics;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;

namespace Orchestrator.Durable.Tests.Faults;

/// <summary>The fault tests share one Azurite and run alone (no other collection at the same time): they measure recovery on 2 cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DurableFaultCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "DurableFaults";
}

/// <summary>
/// Faults on the real stack (DTFx TaskHubWorker over DurableTask.AzureStorage over Azurite) with worker processes
/// (tests/Orchestrator.Durable.FaultWorker): kill -9 mid-run, three processes sharing the partitions, Azurite
/// killed and restarted with its data. Every instance must complete with the right output and a history with each
/// task scheduled once; activities are at-least-once, so duplicated executions are counted, reported and bounded.
/// </summary>
[Collection(DurableFaultCollection.Name)]
[Trait("Category", "Faults")]
public sealed class ProcessFaultTests(AzuriteFixture fixture, ITestOutputHelper output)
{
    private const int Instances = 200;

    [Fact]
    public async Task Worker_killed_with_200_instances_in_flight_then_a_new_worker_completes_every_one()
    {
        var settings = new FaultWorkerSettings();
        await using var run = await FaultRun.StartAsync(fixture.ConnectionString, "kill", output);
        var first = await run.StartWorkerAsync(settings);
        await run.ScheduleAsync(Instances, delayMs: 100);

        await run.WaitForCompletedAsync(20, TimeSpan.FromMinutes(2));
        await first.KillAsync();
        var killed = Stopwatch.StartNew();
        var completedAtKill = await run.CountCompletedAsync();
        var before = run.ReadStepLogs();
        run.Log($"killed pid {first.Id} (SIGKILL): {completedAtKill}/{Instances} completed, {before.ActivityExecutions} activity executions logged");
        Assert.True(completedAtKill < Instances / 2, $"too late a kill: {completedAtKill} already completed");

        await run.StartWorkerAsync(settings);
        await run.WaitForCompletedAsync(completedAtKill + 1, TimeSpan.FromMinutes(2));
        var firstCompletion = killed.Elapsed;
        await run.WaitForCompletedAsync(Instances, TimeSpan.FromMinutes(4));
        var all = killed.Elapsed;

        var history = await run.AssertAllCorrectAsync();
        var log = run.ReadStepLogs();
        run.Log($"after the kill: first completion {firstCompletion.TotalSeconds:F1} s, all {Instances} completed {all.TotalSeconds:F1} s");
        run.Log(history.ToString());
        run.Log($"step log: {log}");

        Assert.Empty(log.MissingSteps);
        Assert.Equal(0, history.DuplicateTaskScheduled);
        // A re-run activity sends its result again and DTFx appends it to the history (the orchestrator ignores it);
        // at most one per activity in flight at the kill.
        Assert.InRange(history.DuplicateTaskCompleted, 0, settings.Activities);
        // At-least-once: only activities in flight at the kill may run again, at most one per activity slot.
        Assert.InRange(log.DuplicateExecutions, 0, settings.Activities);
    }

    [Fact]
    public async Task Three_worker_processes_on_four_partitions_share_200_instances()
    {
        var settings = new FaultWorkerSettings();
        await using var run = await FaultRun.StartAsync(fixture.ConnectionString, "three", output);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => run.StartWorkerAsync(settings)));
        // Let the lease balancer spread the four partitions before the work arrives (it runs every lease/3 s).
        await Task.Delay(TimeSpan.FromSeconds(settings.LeaseSeconds));
        var clock = Stopwatch.StartNew();
        await run.ScheduleAsync(Instances, delayMs: 50);

        await run.WaitForCompletedAsync(Instances, TimeSpan.FromMinutes(3));
        var history = await run.AssertAllCorrectAsync();
        var log = run.ReadStepLogs();
        run.Log($"{Instances} instances on 3 processes completed in {clock.Elapsed.TotalSeconds:F1} s");
        run.Log(history.ToString());
        run.Log($"step log: {log}");

        Assert.Empty(log.MissingSteps);
        Assert.Equal(0, history.DuplicateTaskScheduled);
        Assert.Equal(0, history.DuplicateTaskCompleted);
        Assert.Equal(0, log.DuplicateExecutions);
        Assert.True(log.ActivitiesByPid.Count >= 2, $"activities ran in {log.ActivitiesByPid.Count} process(es) only: {log}");
        Assert.True(log.EpisodesByPid.Count >= 2, $"orchestrations ran in {log.EpisodesByPid.Count} process(es) only: {log}");
    }

    public static TheoryData<bool> KillCase() =>
        Environment.GetEnvironmentVariable("ORCHESTRATOR_FAULTS_AZURITE_KILL") == "1" ? new TheoryData<bool> { true } : new TheoryData<bool>();

    /// <summary>
    /// Azurite stopped mid-run and started again on the same ports with its on-disk data. Killed, it loses the
    /// writes (queue deletes among them) it had acknowledged since its last LokiJS save, which real Azure Storage
    /// never does: messages come back, activities run again and results arrive twice; the orchestrations must still
    /// complete correctly with each task scheduled once. Stopped gracefully, nothing is lost.
    /// Killed, it can also lose an acknowledged queue send (seen once here: 1 of 100 instances waited for ever for a
    /// message Azurite had accepted and then forgot), so the kill case is an emulator limitation, not a service fault:
    /// it runs only when ORCHESTRATOR_FAULTS_AZURITE_KILL=1.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [MemberData(nameof(KillCase))]
    public async Task Azurite_restarted_with_its_data_mid_run_every_instance_completes(bool kill)
    {
        // A private Azurite: the restart must not disturb the collection's.
        await using var azurite = await AzuriteInstance.StartAsync();
        var settings = new FaultWorkerSettings();
        await using var run = await FaultRun.StartAsync(azurite.ConnectionString, "restart", output);
        await run.StartWorkerAsync(settings);
        await run.ScheduleAsync(100, delayMs: 100);

        await run.WaitForCompletedAsync(10, TimeSpan.FromMinutes(2));
        var completedAtStop = await run.CountCompletedAsync();
        var clock = Stopwatch.StartNew();
        await azurite.RestartAsync(kill);
        run.Log($"Azurite {(kill ? "killed" : "stopped (SIGTERM)")} at {completedAtStop}/100 completed and restarted in {clock.Elapsed.TotalSeconds:F1} s");

        await run.WaitForCompletedAsync(100, TimeSpan.FromMinutes(3), () => run.WorkerOutput() + "\n--- azurite\n" + azurite.RecentOutput);
        run.Log($"all completed {clock.Elapsed.TotalSeconds:F1} s after the stop");
        var history = await run.AssertAllCorrectAsync();
        var log = run.ReadStepLogs();
        run.Log(history.ToString());
        run.Log($"step log: {log}");

        Assert.Empty(log.MissingSteps);
        Assert.Equal(0, history.DuplicateTaskScheduled);
        Assert.False(run.Workers[0].HasExited, run.WorkerOutput());
        if (!kill)
        {
            // Activities in flight while Azurite was down: one whose message delete failed runs again; one whose
            // result send was retried after a first attempt that did arrive sends it twice without running again.
            // Either way DTFx appends the second TaskCompleted to the history (the orchestrator ignores it).
            // Measured: 0-2 re-runs and 0-3 extra results in 100 instances; at most one of each per activity slot.
            Assert.InRange(log.DuplicateExecutions, 0, settings.Activities);
            Assert.InRange(history.DuplicateTaskCompleted, 0, settings.Activities);
        }
    }
}
