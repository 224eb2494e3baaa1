using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Abstractions;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using static Microsoft.DurableTask.Worker.DurableTaskWorkerOptions;

namespace Orchestrator.Durable.Worker;

/// <summary>
/// Resolves DTFx orchestration names to registered <see cref="ITaskOrchestrator"/>s wrapped in Microsoft's shim.
/// An unknown name gives <see cref="MissingOrchestration"/>, which fails the instance naming the missing orchestrator.
/// The parent instance is not known here, so <c>context.Parent</c> is null (children get the parent id in input).
/// Applies the worker's <see cref="VersioningOptions"/> as Microsoft's gRPC worker does (the shims alone do not):
/// with MatchStrategy Strict or CurrentOrOlder an instance of another version is rejected (null: DTFx abandons the
/// work item, so another worker may take it) or failed (FailureStrategy Fail).
/// </summary>
internal sealed class ShimOrchestrationObjectManager(
    IDurableTaskFactory factory, DurableTaskShimFactory shims, IServiceProvider services, VersioningOptions? versioning = null)
    : INameVersionObjectManager<TaskOrchestration>
{
    public void Add(ObjectCreator<TaskOrchestration> creator) =>
        throw new NotSupportedException("Register orchestrators with AddDurableTaskWorker(b => b.AddTasks(...)).");

    public TaskOrchestration GetObject(string name, string? version)
    {
        if (VersionMismatch(versioning, version) is { } mismatch)
            return versioning!.FailureStrategy == VersionFailureStrategy.Fail ? new RefusedOrchestration(mismatch) : null!;
        return factory.TryCreateOrchestrator(new TaskName(name), services, out var orchestrator) && orchestrator is not null
            ? shims.CreateOrchestration(new TaskName(name), orchestrator)
            : new MissingOrchestration(name);
    }

    /// <summary>Why a worker with <paramref name="versioning"/> must not run an instance of <paramref name="version"/>; null when it may.</summary>
    internal static string? VersionMismatch(VersioningOptions? versioning, string? version)
    {
        if (versioning is null) return null;
        version ??= "";
        return versioning.MatchStrategy switch
        {
            VersionMatchStrategy.Strict when version != versioning.Version =>
                $"The orchestration version '{version}' does not match the worker version '{versioning.Version}'.",
            VersionMatchStrategy.CurrentOrOlder when TaskOrchestrationVersioningUtils.CompareVersions(version, versioning.Version) > 0 =>
                $"The orchestration version '{version}' is newer than the worker version '{versioning.Version}'.",
            _ => null,
        };
    }

    private sealed class RefusedOrchestration(string message) : TaskOrchestration
    {
        public override Task<string> Execute(OrchestrationContext context, string input) => Task.FromException<string>(new InvalidOperationException(message));

        public override string GetStatus() => string.Empty;

        public override void RaiseEvent(OrchestrationContext context, string name, string input)
        {
        }
    }
}
