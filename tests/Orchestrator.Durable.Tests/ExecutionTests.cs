using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using Orchestrator.Durable.Diagnostics;
using Orchestrator.Durable.Tests.Support;
using static Orchestrator.Durable.Tests.Support.DurableTestHost;

namespace Orchestrator.Durable.Tests;

/// <summary>Diagnostic orchestrations on the real DTFx worker over Azurite, read back through our client.</summary>
public sealed class ExecutionTests(DurableHubFixture hub) : IClassFixture<DurableHubFixture>
{
    private DurableTaskClient Client => hub.Client;

    [Fact]
    public async Task HelloSequence_completes_with_greetings_and_schedules_each_activity_once()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new HelloSequenceInput(5));

        var done = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout(60));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(["Hello #1!", "Hello #2!", "Hello #3!", "Hello #4!", "Hello #5!"], done.ReadOutputAs<List<string>>());
        Assert.Equal("""{"count":5,"delayMs":0}""", done.SerializedInput);
        Assert.Equal(nameof(HelloSequence), done.Name);
        Assert.True(done.CreatedAt > DateTimeOffset.UtcNow.AddMinutes(-5) && done.CreatedAt <= done.LastUpdatedAt);

        var history = await Client.GetOrchestrationHistoryAsync(id);
        var scheduled = history.OfType<TaskScheduledEvent>().ToList();
        Assert.Equal(5, scheduled.Count);
        Assert.All(scheduled, e => Assert.Equal(nameof(SayHello), e.Name));
        Assert.Equal(5, scheduled.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(5, history.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId).Distinct().Count());
        Assert.Single(history.OfType<ExecutionStartedEvent>());
        Assert.Single(history.OfType<ExecutionCompletedEvent>());
    }

    [Fact]
    public async Task Status_without_inputs_leaves_them_out_and_unknown_instance_is_null()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new HelloSequenceInput(1));
        await Client.WaitForInstanceCompletionAsync(id, Timeout());

        var bare = await Client.GetInstanceAsync(id, getInputsAndOutputs: false);
        Assert.NotNull(bare);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, bare.RuntimeStatus);
        Assert.Null(bare.SerializedInput);
        Assert.Null(bare.SerializedOutput);

        Assert.Null(await Client.GetInstanceAsync("nobody-" + Guid.NewGuid().ToString("N")));
        Assert.Empty(await Client.GetOrchestrationHistoryAsync("nobody-" + Guid.NewGuid().ToString("N")));
    }

    [Fact]
    public async Task FanOutFanIn_and_EternalCounter_complete()
    {
        var fan = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOutFanIn), new FanOutFanInInput(4));
        var counter = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(EternalCounter), new EternalCounterInput(StopAt: 3));

        var fanDone = await Client.WaitForInstanceCompletionAsync(fan, getInputsAndOutputs: true, Timeout(60));
        var counterDone = await Client.WaitForInstanceCompletionAsync(counter, getInputsAndOutputs: true, Timeout(60));

        Assert.Equal(4, fanDone.ReadOutputAs<List<string>>()!.Count);
        Assert.Equal(3, counterDone.ReadOutputAs<int>());
    }

    [Fact]
    public async Task Raised_event_completes_ApprovalWithTimeout()
    {
        var approved = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalWithTimeout), new ApprovalWithTimeoutInput(120));
        var rejected = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalWithTimeout), new ApprovalWithTimeoutInput(120));
        await Client.WaitForInstanceStartAsync(approved, Timeout());
        await Client.WaitForInstanceStartAsync(rejected, Timeout());

        await Client.RaiseEventAsync(approved, ApprovalWithTimeout.EventName, true);
        await Client.RaiseEventAsync(rejected, ApprovalWithTimeout.EventName, false);

        Assert.Equal("approved", (await Client.WaitForInstanceCompletionAsync(approved, true, Timeout())).ReadOutputAs<string>());
        Assert.Equal("rejected", (await Client.WaitForInstanceCompletionAsync(rejected, true, Timeout())).ReadOutputAs<string>());
    }

    [Fact]
    public async Task ApprovalWithTimeout_times_out_on_the_durable_timer()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalWithTimeout), new ApprovalWithTimeoutInput(1));
        var done = await Client.WaitForInstanceCompletionAsync(id, true, Timeout());
        Assert.Equal("timed out", done.ReadOutputAs<string>());
    }

    /// <summary>
    /// DTFx on Azure Storage delays a timer message by whole seconds of queue visibility, so a timer can arrive up to
    /// about a second before its FireAt (seen here: a 1 s timer after 80 ms). Code that waits for a domain instant
    /// therefore waits again when woken early (ApprovalItem, JointMeeting, ScheduledFunction); this pins the bound.
    /// </summary>
    [Fact]
    public async Task Durable_timer_arrives_at_most_about_a_second_early()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalWithTimeout), new ApprovalWithTimeoutInput(3));
        var done = await Client.WaitForInstanceCompletionAsync(id, true, Timeout());
        Assert.Equal("\"timed out\"", done.SerializedOutput);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"a 3 s timer fired after {clock.Elapsed}");
        var history = await Client.GetOrchestrationHistoryAsync(id);
        // A TimerFired event is stamped when the timer is created; the episode that consumed it started at the last OrchestratorStarted.
        var fireAt = Assert.Single(history.OfType<DurableTask.Core.History.TimerCreatedEvent>()).FireAt;
        var woke = history.OfType<DurableTask.Core.History.OrchestratorStartedEvent>().Last().Timestamp;
        Assert.True(woke >= fireAt - TimeSpan.FromSeconds(1.1), $"woke at {woke:O}, due {fireAt:O}");
    }

    /// <summary>
    /// DTFx enqueues the event and drops it when no instance takes it; the API layer checks the status first
    /// (404/409/410) because the check and the raise are not atomic.
    /// </summary>
    [Fact]
    public async Task Raising_an_event_to_an_unknown_instance_does_not_throw()
    {
        await Client.RaiseEventAsync("nobody-" + Guid.NewGuid().ToString("N"), ApprovalWithTimeout.EventName, true);
    }

    [Fact]
    public async Task Starting_a_running_instance_id_again_throws_OrchestrationAlreadyExistsException()
    {
        var id = "dup-" + Guid.NewGuid().ToString("N");
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalWithTimeout), new ApprovalWithTimeoutInput(120),
            new Microsoft.DurableTask.StartOrchestrationOptions(id));
        await Client.WaitForInstanceStartAsync(id, Timeout());

        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() =>
            Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalWithTimeout), new ApprovalWithTimeoutInput(120),
                new Microsoft.DurableTask.StartOrchestrationOptions(id)));

        await Client.TerminateInstanceAsync(id);
        await Client.WaitForInstanceCompletionAsync(id, Timeout());
        // Once ended, the id is free again.
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new HelloSequenceInput(1),
            new Microsoft.DurableTask.StartOrchestrationOptions(id));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await Client.WaitForInstanceCompletionAsync(id, Timeout())).RuntimeStatus);
    }
}
