using Orchestrator.Durable.Tests.AzureStorage;

namespace Orchestrator.Durable.Tests.Faults;

/// <summary>A batch of diagnostic orchestrations and the checks that their histories are well formed.</summary>
internal static class FaultScenario
{
    public const int FanOutCount = 150; // more than one transaction's worth of rows in one episode

    public static async Task<List<(string Id, string Kind)>> ScheduleAsync(DurableTaskClient client, string prefix, int helloCount, int fanOuts)
    {
        var ids = new List<(string, string)>();
        for (var i = 0; i < helloCount; i++)
        {
            var id = await client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new { count = 5, delayMs = 20 },
                new StartOrchestrationOptions { InstanceId = $"{prefix}-hello-{i}" });
            ids.Add((id, "hello"));
        }
        for (var i = 0; i < fanOuts; i++)
        {
            var id = await client.ScheduleNewOrchestrationInstanceAsync("FanOutFanIn", new { count = FanOutCount },
                new StartOrchestrationOptions { InstanceId = $"{prefix}-fan-{i}" });
            ids.Add((id, "fan"));
        }
        return ids;
    }

    /// <summary>Waits until every instance completed, then checks outputs and histories.</summary>
    public static async Task AssertAllCompleteWellFormedAsync(DurableTaskClient client, List<(string Id, string Kind)> ids, TimeSpan timeout, Func<string> diagnostics)
    {
        using var cts = new CancellationTokenSource(timeout);
        foreach (var (id, kind) in ids)
        {
            OrchestrationMetadata result;
            try
            {
                result = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
            }
            catch (OperationCanceledException)
            {
                var state = await client.GetInstanceAsync(id);
                var h = await client.GetHistoryAsync(id);
                Assert.Fail($"Instance {id} did not complete within {timeout} (status {state?.RuntimeStatus}, {h.Count} events: " +
                            $"{string.Join(", ", h.Select(e => e.ToString()))}).\n{diagnostics()}");
                return;
            }
            Assert.True(result.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{id}: {result.RuntimeStatus} {result.FailureDetails}");
            var history = await client.GetHistoryAsync(id);
            AssertWellFormed(id, history, kind == "hello" ? 5 : FanOutCount);
            if (kind == "hello")
                Assert.Equal(["Hello #1", "Hello #2", "Hello #3", "Hello #4", "Hello #5"], result.ReadOutputAs<List<string>>());
            else
                Assert.Equal(FanOutCount, result.ReadOutputAs<int>());
        }
    }

    public static void AssertWellFormed(string id, IReadOnlyList<HistoryEvent> history, int expectedTasks)
    {
        Assert.True(history.Count >= 2, $"{id}: history too short");
        Assert.Equal(HistoryEventType.OrchestratorStarted, history[0].EventType);
        Assert.Equal(HistoryEventType.ExecutionStarted, history[1].EventType);
        Assert.Single(history, h => h.EventType == HistoryEventType.ExecutionStarted);
        Assert.Single(history, h => h.EventType == HistoryEventType.ExecutionCompleted);
        Assert.Equal(HistoryEventType.ExecutionCompleted, history[^1].EventType);

        var scheduled = new Dictionary<int, int>();
        var completed = new HashSet<int>();
        for (var i = 0; i < history.Count; i++)
        {
            var e = history[i];
            if (e.EventType == HistoryEventType.TaskScheduled)
                Assert.True(scheduled.TryAdd(e.EventId, i), $"{id}: TaskScheduled #{e.EventId} appears twice");
            if (e.EventType is HistoryEventType.TaskCompleted or HistoryEventType.TaskFailed)
            {
                var taskId = e.TaskScheduledId ?? -1;
                Assert.True(scheduled.ContainsKey(taskId), $"{id}: completion of task #{taskId} before or without its TaskScheduled");
                Assert.True(completed.Add(taskId), $"{id}: task #{taskId} completed twice");
            }
        }
        Assert.Equal(expectedTasks, scheduled.Count);
        Assert.Equal(expectedTasks, completed.Count);
        Assert.Equal(Enumerable.Range(0, expectedTasks), scheduled.Keys.Order());
    }
}
