namespace Orchestrator.Durable;

/// <summary>Options of a sub-orchestration call.</summary>
public class SubOrchestrationOptions : TaskOptions
{
    public SubOrchestrationOptions() { }
    public SubOrchestrationOptions(string? instanceId, RetryPolicy? retry = null) : base(retry) => InstanceId = instanceId;

    /// <summary>Instance id of the child; default is deterministic from the parent's id and the call's position.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Orchestrator version to start; default is the newest registered version.</summary>
    public string? Version { get; init; }
}
