using Microsoft.DurableTask;

namespace Orchestrator.Durable.Diagnostics;

/// <summary>Calls <see cref="SayHello"/> <c>count</c> times in sequence; output: the greetings in order.</summary>
public sealed class HelloSequence : TaskOrchestrator<HelloSequenceInput?, List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, HelloSequenceInput? input)
    {
        var greetings = new List<string>();
        for (var i = 1; i <= (input?.Count ?? 0); i++)
            greetings.Add(await context.CallActivityAsync<string>(nameof(SayHello), new SayHelloInput($"#{i}", input!.DelayMs)));
        return greetings;
    }
}
