using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Moq;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.SelfHost.Scheduling;
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
        Assert.True(started.Count(x => x) >= 1, "one of them starts it");

        var id = ScheduledFunctionScheduler.InstanceIdFor("Counter", occurrence);
        Assert.Equal($"schedule:Counter:{occurrence.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}", id);

        // The occurrence carries the service's domain clock (real time here) and its hold instant.
        var input = (await client.GetInstanceAsync(id, getInputsAndOutputs: true))!.ReadInputAs<ScheduledOccurrence>()!;
        Assert.Equal(occurrence.AddSeconds(6), input.HoldUntil);
        Assert.Equal(DomainClock.RealTime, input.Clock);

        // After the function ran, the instance holds its id for the guard (a durable timer on the occurrence's clock):
        // a start that slipped past the existence check (another process checked just before this one created it) is
        // refused by the engine.
        await WaitUntil(() => log.Runs.ContainsKey(occurrence));
        Assert.False((await client.GetInstanceAsync(id))!.IsCompleted);
        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => client.ScheduleNewOrchestrationInstanceAsync(
            ScheduledFunctionRegistration.OrchestratorName, new ScheduledOccurrence("Counter", occurrence), new StartOrchestrationOptions { InstanceId = id }));

        var done = await client.WaitForInstanceCompletionAsync(id, new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.True(done.LastUpdatedAt >= occurrence.AddSeconds(6), $"the instance must stay active for the duplicate guard (ended {done.LastUpdatedAt:O})");

        // A late scheduler after the occurrence has run does not run it again.
        Assert.False(await schedulers[0].TryStartOccurrenceAsync("Counter", occurrence));
        Assert.Equal(1, log.Runs[occurrence]);
    }

    [Fact]
    public async Task On_a_fast_domain_clock_the_hold_of_an_occurrence_passes_in_domain_time()
    {
        var log = new RunLog();
        await using var host = await HostUnderTest.StartAsync(
            s =>
            {
                s["Schedules:Functions:Counter:Cron"] = "0 3 * * *";
                s["Schedules:Enabled"] = "false";
                s["Schedules:DuplicateGuard"] = "00:10:00";
                s["Demo:ClockSpeed"] = "600"; // ten domain minutes in one real second
            },
            builder =>
            {
                builder.Services.AddSingleton(log);
                builder.AddScheduledFunction<CountingFunction>("Counter");
            },
            environment: "Development");

        var time = host.Services.GetRequiredService<TimeProvider>();
        Assert.IsType<DomainTimeProvider>(time);
        var occurrence = time.GetUtcNow();
        var scheduler = host.Services.GetRequiredService<ScheduledFunctionScheduler>();
        Assert.True(await scheduler.TryStartOccurrenceAsync("Counter", occurrence));
        var id = ScheduledFunctionScheduler.InstanceIdFor("Counter", occurrence);

        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var input = (await client.GetInstanceAsync(id, getInputsAndOutputs: true))!.ReadInputAs<ScheduledOccurrence>()!;
        Assert.Equal(600, input.Clock!.Speed);
        Assert.Equal(occurrence.AddMinutes(10), input.HoldUntil);

        // The ten-minute guard is a durable timer at the real instant that maps to it (about a second), re-armed should
        // DTFx deliver it early (Azure queue delays are whole seconds: up to ten domain minutes at this speed).
        var done = await client.WaitForInstanceCompletionAsync(id, new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.True(input.Clock.ToDomain(done.LastUpdatedAt.UtcDateTime) >= occurrence.AddMinutes(10),
            $"held until the domain instant: ended {done.LastUpdatedAt:O} real = {input.Clock.ToDomain(done.LastUpdatedAt.UtcDateTime):O} domain; hold {input.HoldUntil:O} = {input.Clock.ToReal(input.HoldUntil!.Value):O} real; created {done.CreatedAt:O}");
        Assert.Equal(1, log.Runs[occurrence]);
    }

    [Fact]
    public async Task The_scheduler_starts_each_cron_occurrence_when_the_clock_reaches_it()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 23, 58, 30, TimeSpan.Zero));
        var client = new Mock<DurableTaskClient>("test") { CallBase = true };
        var startedIds = new ConcurrentQueue<string>();
        client.Setup(c => c.GetInstancesAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((OrchestrationMetadata?)null);
        client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(),
                It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Returns((TaskName name, object? _, StartOrchestrationOptions? o, CancellationToken _) =>
            {
                Assert.Equal(ScheduledFunctionRegistration.OrchestratorName, name.Name);
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
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException();
            await Task.Delay(10);
        }
    }
}
