using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.Execution;

/// <summary>Builds the state row and start message of a new execution (client starts and sub-orchestrations alike).</summary>
internal static class InstanceFactory
{
    public static (InstanceState State, OrchestrationMessage Start) NewExecution(
        string instanceId, string name, string version, string? input, DateTimeOffset now, string startMessageId,
        DateTimeOffset? startAt = null, IReadOnlyDictionary<string, string>? tags = null,
        string? parentInstanceId = null, string? parentExecutionId = null, int? parentTaskScheduledId = null)
    {
        var executionId = Guid.NewGuid().ToString("N");
        var delayed = startAt is { } s && s > now ? s : (DateTimeOffset?)null;
        var state = new InstanceState
        {
            InstanceId = instanceId, Name = name, Version = version, ExecutionId = executionId,
            Status = OrchestrationRuntimeStatus.Pending, CreatedAt = now, LastUpdatedAt = now, Input = input, Tags = tags,
            ParentInstanceId = parentInstanceId, ParentExecutionId = parentExecutionId, ParentTaskScheduledId = parentTaskScheduledId,
            NextWakeAt = delayed, HistoryLength = 0, StartMessageId = startMessageId,
        };
        var start = new OrchestrationMessage
        {
            Id = startMessageId, TargetInstanceId = instanceId, TargetExecutionId = executionId, EnqueuedAt = now, VisibleAt = delayed,
            Event = new HistoryEvent
            {
                EventType = HistoryEventType.ExecutionStarted, Timestamp = now, Name = name, Version = version, Input = input,
                ExecutionId = executionId, Tags = tags, ScheduledStartAt = delayed, ParentInstanceId = parentInstanceId,
                ParentExecutionId = parentExecutionId, ParentTaskScheduledId = parentTaskScheduledId,
            },
        };
        return (state, start);
    }
}
