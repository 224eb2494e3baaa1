using Microsoft.DurableTask;
using Orchestrator.Durable.Diagnostics;

namespace Orchestrator.Durable.Tests.Replay;

/// <summary>The orchestrator as deployed: activity Echo, then waits for "Go", then Echo again. Registered as "Steps".</summary>
internal sealed class StepsV1 : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var first = await context.CallActivityAsync<string>(nameof(Echo), "old:" + input);
        await context.WaitForExternalEvent<bool>("Go");
        await context.CallActivityAsync<string>(nameof(Echo), "after");
        return first;
    }
}

/// <summary>A careless change: a different activity (SayHello) at the existing first step.</summary>
internal sealed class StepsChanged : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var first = await context.CallActivityAsync<string>(nameof(SayHello), new SayHelloInput("new:" + input));
        await context.WaitForExternalEvent<bool>("Go");
        await context.CallActivityAsync<string>(nameof(Echo), "after");
        return first;
    }
}

/// <summary>The same change behind a version branch: instances started before version 2 keep the old path.</summary>
internal sealed class StepsBranched : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var first = context.CompareVersionTo("2") >= 0
            ? await context.CallActivityAsync<string>(nameof(SayHello), new SayHelloInput("new:" + input))
            : await context.CallActivityAsync<string>(nameof(Echo), "old:" + input);
        await context.WaitForExternalEvent<bool>("Go");
        await context.CallActivityAsync<string>(nameof(Echo), "after");
        return first;
    }
}
