namespace Orchestrator.Durable;

/// <summary>The state of one orchestration instance, read from its state row (never stale).</summary>
public sealed class OrchestrationMetadata
{
    public required string InstanceId { get; init; }
    public required string Name { get; init; }
    public string Version { get; init; } = "";
    public string ExecutionId { get; init; } = "";
    public OrchestrationRuntimeStatus RuntimeStatus { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastUpdatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    /// <summary>Null unless inputs and outputs were requested.</summary>
    public string? SerializedInput { get; init; }
    public string? SerializedOutput { get; init; }
    public string? SerializedCustomStatus { get; init; }
    public TaskFailureDetails? FailureDetails { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    public string? ParentInstanceId { get; init; }
    /// <summary>Earliest time the instance has something to do on its own (a timer or a scheduled start).</summary>
    public DateTimeOffset? NextWakeAt { get; init; }

    public bool IsRunning => RuntimeStatus is OrchestrationRuntimeStatus.Running;
    /// <summary>True for a terminal status: Completed, Failed, Terminated (ContinuedAsNew is never stored as final).</summary>
    public bool IsCompleted => RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed
        or OrchestrationRuntimeStatus.Terminated;

    public T? ReadInputAs<T>() => DurableJson.Deserialize<T>(SerializedInput);
    public T? ReadOutputAs<T>() => DurableJson.Deserialize<T>(SerializedOutput);
    public T? ReadCustomStatusAs<T>() => DurableJson.Deserialize<T>(SerializedCustomStatus);

    public override string ToString() => $"{Name}/{InstanceId}: {RuntimeStatus}";
}
