using Microsoft.DurableTask;

namespace Orchestrator.Durable.Diagnostics;

/// <summary>Waits <c>delayMs</c> (real time: it stands for work), then answers "Hello {name}!".</summary>
public sealed class SayHello : TaskActivity<SayHelloInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, SayHelloInput input)
    {
        if (input.DelayMs > 0)
            await Task.Delay(input.DelayMs).ConfigureAwait(false);
        return $"Hello {input.Name}!";
    }
}
