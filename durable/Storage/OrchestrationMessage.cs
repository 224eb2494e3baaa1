namespace Orchestrator.Durable.Storage;

/// <summary>
/// A message addressed to one instance, kept as an inbox row in that instance's partition until an episode
/// consumes it. The payload is the history event the episode appends when it consumes the message
/// (ExecutionStarted, TaskCompleted/Failed, TimerFired, EventRaised, SubOrchestrationInstanceCompleted/Failed,
/// ExecutionTerminated, ExecutionSuspended, ExecutionResumed).
/// </summary>
internal sealed record OrchestrationMessage
{
    /// <summary>
    /// Deterministic id, unique within the target instance, safe as a table RowKey (no '/', '\', '#', '?',
    /// control characters). Redelivery of the same id is a no-op (see DeliverMessagesAsync).
    /// </summary>
    public required string Id { get; init; }
    public required string TargetInstanceId { get; init; }
    /// <summary>Execution the message belongs to (task results, timers); null for any execution (events, terminate...).</summary>
    public string? TargetExecutionId { get; init; }
    public required HistoryEvent Event { get; init; }
    /// <summary>Sender's clock when sent; inbox order is (EnqueuedAt, delivery order).</summary>
    public DateTimeOffset EnqueuedAt { get; init; }
    /// <summary>Not consumable before this time (durable timers, scheduled starts). Null: at once.</summary>
    public DateTimeOffset? VisibleAt { get; init; }
}
