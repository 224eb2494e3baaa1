using DurableTask.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.Durable.Worker;

/// <summary>Runs a shimmed activity and then ends the DI scope its instance was created in.</summary>
internal sealed class ScopedTaskActivity(TaskActivity inner, AsyncServiceScope scope) : TaskActivity
{
    public override string Run(TaskContext context, string input) =>
        throw new NotSupportedException("DTFx calls RunAsync.");

    public override async Task<string> RunAsync(TaskContext context, string input)
    {
        try
        {
            return await inner.RunAsync(context, input).ConfigureAwait(false);
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }
}
