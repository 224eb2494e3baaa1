namespace Orchestrator.Durable.Tests.Engine;

/// <summary>Checks that a history is well-formed: each scheduling event once, each completion points to a matching one.</summary>
internal static class HistoryAssert
{
    public static void WellFormed(IReadOnlyList<HistoryEvent> history)
    {
        Assert.NotEmpty(history);
        Assert.Equal(HistoryEventType.OrchestratorStarted, history[0].EventType);
        Assert.Single(history, e => e.EventType == HistoryEventType.ExecutionStarted);
        var scheduled = new Dictionary<int, HistoryEvent>();
        foreach (var e in history.Where(e => e.EventType is HistoryEventType.TaskScheduled or HistoryEventType.TimerCreated
                     or HistoryEventType.SubOrchestrationInstanceCreated or HistoryEventType.EventSent))
        {
            Assert.True(scheduled.TryAdd(e.EventId, e), $"Scheduling event id {e.EventId} appears more than once ({e}).");
        }
        var completed = new HashSet<int>();
        foreach (var e in history.Where(e => e.TaskScheduledId is not null))
        {
            Assert.True(scheduled.TryGetValue(e.TaskScheduledId!.Value, out var s), $"{e.EventType} points to unknown event {e.TaskScheduledId}.");
            var expected = e.EventType switch
            {
                HistoryEventType.TaskCompleted or HistoryEventType.TaskFailed => HistoryEventType.TaskScheduled,
                HistoryEventType.TimerFired => HistoryEventType.TimerCreated,
                _ => HistoryEventType.SubOrchestrationInstanceCreated,
            };
            Assert.Equal(expected, s!.EventType);
            Assert.True(completed.Add(e.TaskScheduledId.Value), $"Event {e.TaskScheduledId} completed twice.");
            Assert.True(history.ToList().IndexOf(s) < history.ToList().IndexOf(e), $"{e.EventType} precedes its scheduling event.");
        }
    }
}
