namespace Orchestrator.Durable;

public sealed class UnknownOrchestratorException(string name, string? version)
    : InvalidOperationException(version is null
        ? $"No orchestrator named '{name}' is registered. Register it in AddDurableTask(registry => registry.AddOrchestrator<...>())."
        : $"No orchestrator named '{name}' with version '{version}' is registered. Register that version or omit Version to use the newest.")
{
    public string Name { get; } = name;
    public string? Version { get; } = version;
}
