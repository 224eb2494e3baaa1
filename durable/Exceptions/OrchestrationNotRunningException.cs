namespace Orchestrator.Durable;

/// <summary>A state change (event, terminate, suspend, resume) was requested on an instance that has ended.</summary>
public sealed class OrchestrationNotRunningException(string instanceId, OrchestrationRuntimeStatus status)
    : InvalidOperationException($"Orchestration instance '{instanceId}' is {status} and no longer accepts this request. Restart it or start a new instance.")
{
    public string InstanceId { get; } = instanceId;
    public OrchestrationRuntimeStatus Status { get; } = status;
}
