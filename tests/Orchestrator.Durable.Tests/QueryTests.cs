using Microsoft.DurableTask.Client;
using Orchestrator.Durable.Diagnostics;
using Orchestrator.Durable.Tests.Support;
using static Orchestrator.Durable.Tests.Support.DurableTestHost;

namespace Orchestrator.Durable.Tests;

public sealed class QueryTests(DurableHubFixture hub) : IClassFixture<DurableHubFixture>
{
    private DurableTaskClient Client => hub.Client;

    [Fact]
    public async Task Query_by_prefix_pages_through_every_instance_once()
    {
        var prefix = "q" + Guid.NewGuid().ToString("N")[..8] + "-";
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add(await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new HelloSequenceInput(1),
                new Microsoft.DurableTask.StartOrchestrationOptions(prefix + i)));
        // One outside the prefix, which must not show.
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new HelloSequenceInput(1));
        foreach (var id in ids) await Client.WaitForInstanceCompletionAsync(id, Timeout());

        var seen = new List<string>();
        var pages = 0;
        await foreach (var page in Client.GetAllInstancesAsync(new OrchestrationQuery
                       { InstanceIdPrefix = prefix, PageSize = 2, FetchInputsAndOutputs = true }).AsPages())
        {
            pages++;
            Assert.True(page.Values.Count <= 2, $"page of {page.Values.Count}");
            Assert.All(page.Values, m => Assert.NotNull(m.SerializedOutput));
            seen.AddRange(page.Values.Select(m => m.InstanceId));
        }

        Assert.Equal(ids.Order(), seen.Order());
        Assert.True(pages >= 3, $"{pages} pages");

        // A continuation token handed out by one query resumes it in another.
        Microsoft.DurableTask.Page<OrchestrationMetadata>? firstPage = null;
        await foreach (var page in Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, PageSize = 2 }).AsPages())
        {
            firstPage = page;
            break;
        }
        Assert.NotNull(firstPage);
        Assert.NotNull(firstPage.ContinuationToken);
        var rest = new List<string>();
        await foreach (var m in Client.GetAllInstancesAsync(new OrchestrationQuery
                       { InstanceIdPrefix = prefix, PageSize = 2, ContinuationToken = firstPage.ContinuationToken }))
            rest.Add(m.InstanceId);
        Assert.Equal(ids.Order(), firstPage.Values.Select(m => m.InstanceId).Concat(rest).Order());
    }

    [Fact]
    public async Task Query_by_status_and_creation_time()
    {
        var from = DateTimeOffset.UtcNow;
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalWithTimeout), new ApprovalWithTimeoutInput(300));
        await Client.WaitForInstanceStartAsync(id, Timeout());

        var running = new List<string>();
        await foreach (var m in Client.GetAllInstancesAsync(new OrchestrationQuery
                       { CreatedFrom = from, Statuses = [OrchestrationRuntimeStatus.Running] }))
            running.Add(m.InstanceId);
        Assert.Contains(id, running);

        var completed = new List<string>();
        await foreach (var m in Client.GetAllInstancesAsync(new OrchestrationQuery
                       { CreatedFrom = from, Statuses = [OrchestrationRuntimeStatus.Completed] }))
            completed.Add(m.InstanceId);
        Assert.DoesNotContain(id, completed);
        await Client.TerminateInstanceAsync(id);
    }
}
