namespace Orchestrator.Durable.Execution;

internal enum ExecutionOutcome { Running, Completed, Failed, ContinuedAsNew }

/// <summary>What one run of the orchestrator code over its history decided.</summary>
internal sealed class ExecutionResult
{
    public ExecutionOutcome Outcome { get; init; }
    /// <summary>The new events (after the replayed history) that the code consumed; others were duplicates or stale.</summary>
    public required IReadOnlyList<HistoryEvent> AcceptedNewEvents { get; init; }
    /// <summary>Actions created by the code beyond the history, in sequence order.</summary>
    public required IReadOnlyList<PendingAction> NewActions { get; init; }
    public string? Output { get; init; }
    public TaskFailureDetails? Failure { get; init; }
    public string? ContinueAsNewInput { get; init; }
    public bool PreserveUnprocessedEvents { get; init; }
    public IReadOnlyList<(string Name, string? Payload)> CarriedEvents { get; init; } = [];
    public bool CustomStatusSet { get; init; }
    public string? CustomStatus { get; init; }
    public DateTimeOffset? NextTimerFireAt { get; init; }
}
