using Microsoft.DurableTask;

namespace Orchestrator.Durable.Tests.Support;

/// <summary>Waits for an event nobody sends: stays Running until terminated.</summary>
internal sealed class TestChild : TaskOrchestrator<string?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string? parentId)
    {
        await context.WaitForExternalEvent<object?>("never");
        return "done";
    }
}
