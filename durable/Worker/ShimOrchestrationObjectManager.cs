using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;

namespace Orchestrator.Durable.Worker;

/// <summary>
/// Resolves DTFx orchestration names to registered <see cref="ITaskOrchestrator"/>s wrapped in Microsoft's shim.
/// An unknown name gives <see cref="MissingOrchestration"/>, which fails the instance naming the missing orchestrator.
/// The parent instance is not known here, so <c>context.Parent</c> is null (children get the parent id in input).
/// </summary>
internal sealed class ShimOrchestrationObjectManager(
    IDurableTaskFactory factory, DurableTaskShimFactory shims, IServiceProvider services)
    : INameVersionObjectManager<TaskOrchestration>
{
    public void Add(ObjectCreator<TaskOrchestration> creator) =>
        throw new NotSupportedException("Register orchestrators with AddDurableTaskWorker(b => b.AddTasks(...)).");

    public TaskOrchestration GetObject(string name, string? version) =>
        factory.TryCreateOrchestrator(new TaskName(name), services, out var orchestrator) && orchestrator is not null
            ? shims.CreateOrchestration(new TaskName(name), orchestrator)
            : new MissingOrchestration(name);
}
