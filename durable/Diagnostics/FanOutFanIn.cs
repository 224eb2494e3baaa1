namespace Orchestrator.Durable.Diagnostics;

internal sealed record FanOutFanInInput(int Count);

/// <summary>n parallel activity calls; output: how many completed.</summary>
internal sealed class FanOutFanIn : TaskOrchestrator<FanOutFanInInput?, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, FanOutFanInInput? input)
    {
        var tasks = Enumerable.Range(0, input?.Count ?? 0).Select(i => context.CallActivityAsync<int>(nameof(Echo), i)).ToList();
        var results = await Task.WhenAll(tasks);
        return results.Length;
    }
}

internal sealed class Echo : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input);
}
