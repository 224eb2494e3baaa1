namespace Orchestrator.Durable.Diagnostics;

internal sealed record EternalCounterInput(int StopAt, int Current = 0);

/// <summary>Counts with ContinueAsNew (one execution per step) up to stopAt; output stopAt.</summary>
internal sealed class EternalCounter : TaskOrchestrator<EternalCounterInput?, int>
{
    public override Task<int> RunAsync(TaskOrchestrationContext context, EternalCounterInput? input)
    {
        var current = input?.Current ?? 0;
        var stopAt = input?.StopAt ?? 0;
        if (current >= stopAt)
            return Task.FromResult(stopAt);
        context.SetCustomStatus(new { current = current + 1 });
        context.ContinueAsNew(new EternalCounterInput(stopAt, current + 1));
        return Task.FromResult(current + 1);
    }
}
