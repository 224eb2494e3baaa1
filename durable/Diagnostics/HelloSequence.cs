namespace Orchestrator.Durable.Diagnostics;

internal sealed record HelloSequenceInput(int Count, int DelayMs);

/// <summary>n sequential activity calls; output: their greetings in order.</summary>
internal sealed class HelloSequence : TaskOrchestrator<HelloSequenceInput?, List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, HelloSequenceInput? input)
    {
        var results = new List<string>();
        for (var i = 0; i < (input?.Count ?? 0); i++)
            results.Add(await context.CallActivityAsync<string>(nameof(SayHello), new SayHelloInput($"#{i + 1}", input!.DelayMs)));
        return results;
    }
}

internal sealed record SayHelloInput(string Name, int DelayMs);

/// <summary>Waits the requested time (real time: it stands for work) and greets.</summary>
internal sealed class SayHello : TaskActivity<SayHelloInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, SayHelloInput input)
    {
        if (input.DelayMs > 0)
            await Task.Delay(input.DelayMs, context.CancellationToken).ConfigureAwait(false);
        return $"Hello {input.Name}";
    }
}
