namespace Orchestrator.Durable.Storage;

/// <summary>One activity execution request, carried by the activity queue (at-least-once).</summary>
internal sealed record ActivityWorkItem
{
    /// <summary>Deterministic: $"{InstanceId}|{ExecutionId}|{TaskScheduledId}". Duplicates may be delivered.</summary>
    public required string Id { get; init; }
    public required string InstanceId { get; init; }
    public required string ExecutionId { get; init; }
    /// <summary>EventId of the TaskScheduled event; the result message id derives from it.</summary>
    public required int TaskScheduledId { get; init; }
    public required string Name { get; init; }
    public string? Input { get; init; }
    public DateTimeOffset EnqueuedAt { get; init; }
}
