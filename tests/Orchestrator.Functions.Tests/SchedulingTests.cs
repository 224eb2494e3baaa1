using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Orchestrator.Durable;
using Orchestrator.Functions.Scheduling;
using Orchestrator.Functions.Tests.Infrastructure;

namespace Orchestrator.Functions.Tests;

public sealed class SchedulingTests
{
    /// <summary>Counts runs per occurrence, across every scheduler of the test.</summary>
    public sealed class CountingFunction(RunLog log) : IScheduledFunction
    {
        public Task RunAsync(ScheduledFunctionContext context, CancellationToken cancellationToken)
        {
            log.Runs.AddOrUpdate(context.ScheduledTime, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }
    }

    public sealed class RunLog
    {
        public ConcurrentDictionary<DateTimeOffset, int> Runs { get; } = new();
    }

    [Fact]
    public async Task An_occurrence_runs_once_however_many_schedulers_try_to_start_it()
    {
        var log = new RunLog();
        await using var host = await HostUnderTest.StartAsync(
            s =>
            {
                s["Schedules:Functions:Counter:Cron"] = "* * * * *";
                s["Schedules:Enabled"] = "false"; // this test drives the schedulers itself
                s["Schedules:DuplicateGuard"] = "00:00:06";
            },
            builder =>
            {
                builder.Services.AddSingleton(log);
                builder.AddScheduledFunction<CountingFunction>("Counter");
            });

        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var now = DateTimeOffset.UtcNow;
        var occurrence = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
        // Several processes' schedulers, each with its own state, racing for the same occurrence.
        var schedulers = Enumerable.Range(0, 4).Select(_ => new ScheduledFunctionScheduler(
            host.Services.GetServices<ScheduledFunctionDescriptor>(), host.Services.GetRequiredService<IOptions<SchedulesOptions>>(),
            client, TimeProvider.System, NullLogger<ScheduledFunctionScheduler>.Instance)).ToList();
        var started = await Task.WhenAll(schedulers.Select(s => s.TryStartOccurrenceAsync("Counter", occurrence)));
        Assert.Equal(1, started.Count(x => x));

        var id = ScheduledFunctionScheduler.InstanceIdFor("Counter", occurrence);
        Assert.Equal($"schedule:Counter:{occurrence.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}", id);

        // After the function ran, the instance holds its id for the guard: a start that slipped past the existence
        // check (another process checked just before this one created it) is refused by the engine.
        await WaitUntil(() => log.Runs.ContainsKey(occurrence));
        Assert.False((await client.GetInstanceAsync(id))!.IsCompleted);
        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => client.ScheduleNewOrchestrationInstanceAsync(
            ScheduledFunctionRegistration.OrchestratorName, new ScheduledOccurrence("Counter", occurrence), new StartOrchestrationOptions { InstanceId = id }));

        var done = await client.WaitForInstanceCompletionAsync(id, ct: new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.True(done.CompletedAt >= occurrence.AddSeconds(6), "the instance must stay active for the duplicate guard");

        // A late scheduler after the occurrence has run does not run it again.
        Assert.False(await schedulers[0].TryStartOccurrenceAsync("Counter", occurrence));
        Assert.Equal(1, log.Runs[occurrence]);
    }

    [Fact]
    public async Task The_scheduler_starts_each_cron_occurrence_when_the_clock_reaches_it()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 23, 58, 30, TimeSpan.Zero));
        var client = new Mock<DurableTaskClient>();
        var startedIds = new ConcurrentQueue<string>();
        client.Setup(c => c.GetInstanceAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((OrchestrationMetadata?)null);
        client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(ScheduledFunctionRegistration.OrchestratorName, It.IsAny<object?>(),
                It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Returns((string _, object? _, StartOrchestrationOptions? o, CancellationToken _) =>
            {
                startedIds.Enqueue(o!.InstanceId!);
                return Task.FromResult(o.InstanceId!);
            });
        var options = Options.Create(new SchedulesOptions
        {
            Functions = { ["Tick"] = new ScheduleSettings { Cron = "*/1 * * * *" } },
        });
        using var scheduler = new ScheduledFunctionScheduler([new ScheduledFunctionDescriptor("Tick", typeof(CountingFunction), null)],
            options, client.Object, clock, NullLogger<ScheduledFunctionScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);

        // The clock moves in one-second steps until each occurrence has started, never past the next one. A single
        // jump would race the loop: a delay armed just after the jump waits a whole interval longer.
        var firstOccurrence = new DateTimeOffset(2026, 11, 22, 23, 59, 0, TimeSpan.Zero);
        for (var i = 0; i < 3; i++)
        {
            var expected = i + 1;
            var limit = firstOccurrence.AddMinutes(expected).AddSeconds(-1);
            await WaitUntil(() =>
            {
                if (startedIds.Count >= expected) return true;
                if (clock.GetUtcNow() < limit) clock.Advance(TimeSpan.FromSeconds(1));
                return false;
            });
        }
        await scheduler.StopAsync(CancellationToken.None);
        Assert.Equal(["schedule:Tick:20261122T235900Z", "schedule:Tick:20261123T000000Z", "schedule:Tick:20261123T000100Z"], startedIds.ToArray());
    }

    [Fact]
    public async Task A_schedule_for_an_unregistered_function_or_a_bad_cron_is_refused_at_start()
    {
        var unknown = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            HostUnderTest.StartAsync(s => s["Schedules:Functions:Nope:Cron"] = "0 * * * *"));
        Assert.Contains("Schedules:Functions:Nope is configured, but no scheduled function of that name is registered", unknown.Message);

        var badCron = await Assert.ThrowsAsync<OptionsValidationException>(() => HostUnderTest.StartAsync(
            s => s["Schedules:Functions:Counter:Cron"] = "every day",
            b => { b.Services.AddSingleton(new RunLog()); b.AddScheduledFunction<CountingFunction>("Counter"); }));
        Assert.Contains("Schedules:Functions:Counter:Cron \"every day\" is not a valid cron expression", badCron.Message);

        var noCron = await Assert.ThrowsAsync<OptionsValidationException>(() => HostUnderTest.StartAsync(
            configure: b => { b.Services.AddSingleton(new RunLog()); b.AddScheduledFunction<CountingFunction>("Counter"); }));
        Assert.Contains("Schedules:Functions:Counter:Cron is missing", noCron.Message);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException();
            await Task.Delay(10);
        }
    }
}
