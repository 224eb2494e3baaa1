using Microsoft.DurableTask;

namespace Orchestrator.Durable.Diagnostics;

/// <summary>Returns its input unchanged (a round trip through the activity queue).</summary>
public sealed class Echo : TaskActivity<string?, string?>
{
    public override Task<string?> RunAsync(TaskActivityContext context, string? input) => Task.FromResult(input);
}
