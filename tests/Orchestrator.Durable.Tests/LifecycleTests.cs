using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Orchestrator.Durable.Diagnostics;
using Orchestrator.Durable.Tests.Support;
using static Orchestrator.Durable.Tests.Support.DurableTestHost;

namespace Orchestrator.Durable.Tests;

/// <summary>Terminate (recursive), suspend/resume, restart and purge through our client on the real worker.</summary>
public sealed class LifecycleTests(DurableHubFixture hub) : IClassFixture<DurableHubFixture>
{
    private DurableTaskClient Client => hub.Client;

    private Task<string> StartApprovalAsync(string? id = null) => Client.ScheduleNewOrchestrationInstanceAsync(
        nameof(ApprovalWithTimeout), new ApprovalWithTimeoutInput(300), new StartOrchestrationOptions(id));

    [Fact]
    public async Task Terminating_a_parent_terminates_its_running_sub_orchestration()
    {
        var parent = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(TestParent));
        var child = parent + "-child";
        await Client.WaitForStatusAsync(child, OrchestrationRuntimeStatus.Running);

        await Client.TerminateInstanceAsync(parent, "stop");

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await Client.WaitForInstanceCompletionAsync(parent, Timeout())).RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await Client.WaitForInstanceCompletionAsync(child, Timeout())).RuntimeStatus);
    }

    [Fact]
    public async Task Suspend_holds_the_instance_and_resume_lets_it_finish()
    {
        var id = await StartApprovalAsync();
        await Client.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Running);

        await Client.SuspendInstanceAsync(id, "hold");
        await Client.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Suspended);
        await Client.RaiseEventAsync(id, ApprovalWithTimeout.EventName, true);
        await Client.ResumeInstanceAsync(id, "go");

        var done = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout());
        Assert.Equal("approved", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Restart_with_the_same_id_and_with_a_new_id()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new HelloSequenceInput(2));
        var first = await Client.WaitForInstanceCompletionAsync(id, true, Timeout());

        var same = await Client.RestartAsync(id, restartWithNewInstanceId: false);
        Assert.Equal(id, same);
        var again = await Client.WaitForInstanceCompletionAsync(id, true, Timeout());
        Assert.Equal(first.SerializedOutput, again.SerializedOutput);
        Assert.Equal(first.SerializedInput, again.SerializedInput);

        var other = await Client.RestartAsync(id, restartWithNewInstanceId: true);
        Assert.NotEqual(id, other);
        var copy = await Client.WaitForInstanceCompletionAsync(other, true, Timeout());
        Assert.Equal(nameof(HelloSequence), copy.Name);
        Assert.Equal(first.SerializedOutput, copy.SerializedOutput);
    }

    [Fact]
    public async Task Restart_of_a_running_instance_under_its_id_throws()
    {
        var id = await StartApprovalAsync();
        await Client.WaitForInstanceStartAsync(id, Timeout());
        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => Client.RestartAsync(id));
        await Client.TerminateInstanceAsync(id);
    }

    [Fact]
    public async Task Purge_one_instance_and_purge_by_filter()
    {
        var one = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new HelloSequenceInput(1));
        await Client.WaitForInstanceCompletionAsync(one, Timeout());

        Assert.Equal(1, (await Client.PurgeInstanceAsync(one)).PurgedInstanceCount);
        Assert.Null(await Client.GetInstanceAsync(one));
        Assert.Equal(0, (await Client.PurgeInstanceAsync(one)).PurgedInstanceCount);

        var from = DateTimeOffset.UtcNow;
        var a = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new HelloSequenceInput(1));
        var b = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new HelloSequenceInput(1));
        var running = await StartApprovalAsync();
        await Client.WaitForInstanceCompletionAsync(a, Timeout());
        await Client.WaitForInstanceCompletionAsync(b, Timeout());

        var purged = await Client.PurgeAllInstancesAsync(
            new PurgeInstancesFilter(from, null, [OrchestrationRuntimeStatus.Completed]));

        Assert.Equal(2, purged.PurgedInstanceCount);
        Assert.Null(await Client.GetInstanceAsync(a));
        Assert.Null(await Client.GetInstanceAsync(b));
        Assert.NotNull(await Client.GetInstanceAsync(running));
        await Client.TerminateInstanceAsync(running);
    }
}
