namespace Orchestrator.Durable.Execution;

internal sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> implementation) : IOrchestratorRunner
{
    public Type InputType => typeof(TInput);

    public async Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
        => await implementation(context, (TInput)input!).ConfigureAwait(true);
}
