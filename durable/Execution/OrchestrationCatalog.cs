namespace Orchestrator.Durable.Execution;

/// <summary>Resolves registered orchestrators and activities by name (and version).</summary>
internal sealed class OrchestrationCatalog(DurableTaskRegistry registry)
{
    public DurableTaskRegistry Registry { get; } = registry;
}
