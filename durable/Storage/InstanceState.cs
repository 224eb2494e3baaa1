namespace Orchestrator.Durable.Storage;

/// <summary>
/// The state row of an instance (one per instance, in its partition). Its ETag guards every commit.
/// Payload properties (Input, Output, CustomStatus) may be large: a store keeps big ones in blobs and
/// resolves them on read, so callers always see the full text.
/// </summary>
internal sealed record InstanceState
{
    public required string InstanceId { get; init; }
    public required string Name { get; init; }
    public string Version { get; init; } = "";
    /// <summary>Changes on (re)start and ContinueAsNew; history rows belong to one execution.</summary>
    public required string ExecutionId { get; init; }
    public OrchestrationRuntimeStatus Status { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastUpdatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public string? Input { get; init; }
    public string? Output { get; init; }
    public string? CustomStatus { get; init; }
    public TaskFailureDetails? FailureDetails { get; init; }
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
    public string? ParentInstanceId { get; init; }
    public string? ParentExecutionId { get; init; }
    public int? ParentTaskScheduledId { get; init; }
    /// <summary>
    /// Earliest time the instance must run an episode without any new message arriving: a due timer, a
    /// scheduled start, or a re-check of undispatched outbox rows. Null: nothing to do until a message comes.
    /// <see cref="IOrchestrationStore.GetInstancesDueForWakeUpAsync"/> selects on it.
    /// </summary>
    public DateTimeOffset? NextWakeAt { get; init; }
    /// <summary>Number of history rows of the current execution (the next row's sequence number).</summary>
    public int HistoryLength { get; init; }
    /// <summary>Id of the inbox message that created this execution (idempotent creation of sub-orchestrations).</summary>
    public string? StartMessageId { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsTerminal => Status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed
        or OrchestrationRuntimeStatus.Terminated;
}
