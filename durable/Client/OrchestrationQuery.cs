namespace Orchestrator.Durable;

public sealed class OrchestrationQuery
{
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }
    public DateTimeOffset? CreatedFrom { get; init; }
    /// <summary>Exclusive upper bound.</summary>
    public DateTimeOffset? CreatedTo { get; init; }
    public string? Name { get; init; }
    public string? InstanceIdPrefix { get; init; }
    /// <summary>Every given tag must match.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
    public int PageSize { get; init; } = 100;
    public string? ContinuationToken { get; init; }
    public bool FetchInputsAndOutputs { get; init; }
}
