namespace Orchestrator.Durable;

public sealed class OrchestrationNotFoundException(string instanceId)
    : InvalidOperationException($"No orchestration instance '{instanceId}' exists (never started, or purged). Check the id.")
{
    public string InstanceId { get; } = instanceId;
}
