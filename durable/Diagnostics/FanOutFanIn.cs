using Microsoft.DurableTask;

namespace Orchestrator.Durable.Diagnostics;

/// <summary>Calls <see cref="SayHello"/> <c>count</c> times in parallel; output: the greetings in call order.</summary>
public sealed class FanOutFanIn : TaskOrchestrator<FanOutFanInInput?, List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, FanOutFanInInput? input)
    {
        var calls = Enumerable.Range(1, input?.Count ?? 0)
            .Select(i => context.CallActivityAsync<string>(nameof(SayHello), new SayHelloInput($"#{i}")))
            .ToList();
        return [.. await Task.WhenAll(calls)];
    }
}
