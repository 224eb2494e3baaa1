using System.Text.Json.Serialization;

namespace Orchestrator.Durable;

/// <summary>
/// One entry of an instance's append-only history. Serialized whole with <see cref="DurableJson.Options"/>
/// (internal fields included), which is how stores persist it.
/// </summary>
public sealed class HistoryEvent
{
    /// <summary>
    /// For scheduling events (TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated, EventSent) the
    /// sequence number of the action in the orchestrator code (0, 1, 2...); -1 for all other events.
    /// </summary>
    public int EventId { get; init; } = -1;
    public HistoryEventType EventType { get; init; }
    public DateTimeOffset Timestamp { get; init; }
    /// <summary>Orchestrator, activity, sub-orchestrator or event name.</summary>
    public string? Name { get; init; }
    /// <summary>Serialized input (ExecutionStarted, TaskScheduled, SubOrchestrationInstanceCreated, EventRaised, EventSent, ContinueAsNew).</summary>
    public string? Input { get; init; }
    /// <summary>Serialized result (TaskCompleted, SubOrchestrationInstanceCompleted, ExecutionCompleted, ExecutionTerminated).</summary>
    public string? Result { get; init; }
    public TaskFailureDetails? FailureDetails { get; init; }
    /// <summary>TimerCreated / TimerFired.</summary>
    public DateTimeOffset? FireAt { get; init; }
    /// <summary>On completion events: the EventId of the scheduling event they complete.</summary>
    public int? TaskScheduledId { get; init; }
    /// <summary>SubOrchestrationInstanceCreated / EventSent: the target instance.</summary>
    public string? InstanceId { get; init; }

    // Engine bookkeeping, persisted but not part of the public contract.

    /// <summary>Id of the inbox message this event came from (de-duplication of redelivered messages).</summary>
    [JsonInclude] internal string? MessageId { get; init; }
    /// <summary>ExecutionStarted: version of the orchestrator; SubOrchestrationInstanceCreated: requested version.</summary>
    [JsonInclude] internal string? Version { get; init; }
    /// <summary>ExecutionStarted: execution id; messages: the execution they target.</summary>
    [JsonInclude] internal string? ExecutionId { get; init; }
    /// <summary>ExecutionStarted of a sub-orchestration: parent coordinates, for the completion message.</summary>
    [JsonInclude] internal string? ParentInstanceId { get; init; }
    [JsonInclude] internal string? ParentExecutionId { get; init; }
    [JsonInclude] internal int? ParentTaskScheduledId { get; init; }
    /// <summary>ExecutionStarted: tags given at scheduling.</summary>
    [JsonInclude] internal IReadOnlyDictionary<string, string>? Tags { get; init; }
    /// <summary>ExecutionStarted: scheduled start time (StartAt).</summary>
    [JsonInclude] internal DateTimeOffset? ScheduledStartAt { get; init; }
    /// <summary>TimerCreated: the timer waits for a retry of task number TaskScheduledId, or is a WaitForExternalEvent timeout; informative only.</summary>
    [JsonInclude] internal string? Purpose { get; init; }

    public override string ToString() => EventId >= 0 ? $"{EventType}#{EventId} {Name}" : $"{EventType} {Name}";
}
