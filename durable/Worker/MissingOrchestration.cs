using DurableTask.Core;

namespace Orchestrator.Durable.Worker;

/// <summary>
/// Stands in for an orchestrator name this worker does not know. DTFx on its own abandons such a work item and
/// retries it for ever; failing the instance with a clear message is what a caller can act on.
/// </summary>
internal sealed class MissingOrchestration(string name) : TaskOrchestration
{
    public override Task<string> Execute(OrchestrationContext context, string input) =>
        throw new InvalidOperationException($"No orchestrator named '{name}' is registered with this worker.");

    public override string GetStatus() => string.Empty;

    public override void RaiseEvent(OrchestrationContext context, string name, string input)
    {
    }
}
