using Microsoft.DurableTask;

namespace Orchestrator.Durable.Diagnostics;

/// <summary>Counts up by ContinueAsNew (a fresh history each generation) until <c>stopAt</c>; output the final count.</summary>
public sealed class EternalCounter : TaskOrchestrator<EternalCounterInput?, int>
{
    public override Task<int> RunAsync(TaskOrchestrationContext context, EternalCounterInput? input)
    {
        var state = input ?? new EternalCounterInput(StopAt: 0);
        if (state.Count >= state.StopAt) return Task.FromResult(state.Count);
        context.ContinueAsNew(state with { Count = state.Count + 1 });
        return Task.FromResult(state.Count);
    }
}
