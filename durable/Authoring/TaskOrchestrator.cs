using Orchestrator.Durable.Execution;

namespace Orchestrator.Durable;

/// <summary>An orchestrator: deterministic code replayed from history. Await only tasks created by the context.</summary>
public abstract class TaskOrchestrator<TInput, TOutput> : IOrchestratorRunner
{
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    Type IOrchestratorRunner.InputType => typeof(TInput);

    async Task<object?> IOrchestratorRunner.RunAsync(TaskOrchestrationContext context, object? input)
        => await RunAsync(context, (TInput)input!).ConfigureAwait(true);
}
