namespace Orchestrator.Durable.Execution;

internal sealed class FuncActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, Task<TOutput>> implementation) : IActivityRunner
{
    public Type InputType => typeof(TInput);

    public async Task<object?> RunAsync(TaskActivityContext context, object? input)
        => await implementation(context, (TInput)input!).ConfigureAwait(false);
}
