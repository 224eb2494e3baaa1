using Orchestrator.Durable.Execution;

namespace Orchestrator.Durable;

/// <summary>An activity: ordinary async code, run at least once; resolved from DI in a new scope per call.</summary>
public abstract class TaskActivity<TInput, TOutput> : IActivityRunner
{
    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);

    Type IActivityRunner.InputType => typeof(TInput);

    async Task<object?> IActivityRunner.RunAsync(TaskActivityContext context, object? input)
        => await RunAsync(context, (TInput)input!).ConfigureAwait(false);
}
