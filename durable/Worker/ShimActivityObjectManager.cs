using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.Durable.Worker;

/// <summary>
/// Resolves DTFx activity names to registered <see cref="ITaskActivity"/>s, each created in a DI scope of its own
/// (DTFx asks once per activity execution) that ends with the execution. Unknown name: null, DTFx fails the task.
/// </summary>
internal sealed class ShimActivityObjectManager(
    IDurableTaskFactory factory, DurableTaskShimFactory shims, IServiceProvider services)
    : INameVersionObjectManager<TaskActivity>
{
    public void Add(ObjectCreator<TaskActivity> creator) =>
        throw new NotSupportedException("Register activities with AddDurableTaskWorker(b => b.AddTasks(...)).");

    public TaskActivity? GetObject(string name, string? version)
    {
        var scope = services.CreateAsyncScope();
        try
        {
            if (!factory.TryCreateActivity(new TaskName(name), scope.ServiceProvider, out var activity) || activity is null)
            {
                scope.Dispose();
                return null;
            }
            return new ScopedTaskActivity(shims.CreateActivity(new TaskName(name), activity), scope);
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }
}
