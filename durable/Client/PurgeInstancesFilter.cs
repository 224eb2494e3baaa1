namespace Orchestrator.Durable;

/// <summary>Only instances in a terminal status (Completed, Failed, Terminated) are ever purged by filter.</summary>
public sealed class PurgeInstancesFilter
{
    public DateTimeOffset? CreatedFrom { get; init; }
    public DateTimeOffset? CreatedTo { get; init; }
    /// <summary>Default: all terminal statuses. Non-terminal statuses given here are ignored.</summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }
}
