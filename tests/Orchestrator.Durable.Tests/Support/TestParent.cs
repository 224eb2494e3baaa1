using Microsoft.DurableTask;

namespace Orchestrator.Durable.Tests.Support;

/// <summary>Starts <see cref="TestChild"/> as "{id}-child" and waits for it (the child never ends by itself).</summary>
internal sealed class TestParent : TaskOrchestrator<object?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, object? input)
    {
        var childId = context.InstanceId + "-child";
        return await context.CallSubOrchestratorAsync<string>(
            nameof(TestChild), context.InstanceId, new SubOrchestrationOptions { InstanceId = childId });
    }
}
