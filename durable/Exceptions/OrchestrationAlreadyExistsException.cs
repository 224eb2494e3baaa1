namespace Orchestrator.Durable;

public sealed class OrchestrationAlreadyExistsException(string instanceId, OrchestrationRuntimeStatus status)
    : InvalidOperationException($"Orchestration instance '{instanceId}' already exists and is {status}. Wait for it to end, terminate it, or use another instance id.")
{
    public string InstanceId { get; } = instanceId;
    public OrchestrationRuntimeStatus Status { get; } = status;
}
