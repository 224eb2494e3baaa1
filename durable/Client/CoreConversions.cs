using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Core = DurableTask.Core;

namespace Orchestrator.Durable.Client;

/// <summary>Between Microsoft.DurableTask client types and DTFx core types (after Microsoft's ShimExtensions, MIT).</summary>
internal static class CoreConversions
{
#pragma warning disable CS0618 // Canceled is obsolete in Microsoft's enum but still a DTFx status.
    public static OrchestrationRuntimeStatus ToClient(this Core.OrchestrationStatus status) => status switch
    {
        Core.OrchestrationStatus.Running => OrchestrationRuntimeStatus.Running,
        Core.OrchestrationStatus.Completed => OrchestrationRuntimeStatus.Completed,
        Core.OrchestrationStatus.ContinuedAsNew => OrchestrationRuntimeStatus.ContinuedAsNew,
        Core.OrchestrationStatus.Failed => OrchestrationRuntimeStatus.Failed,
        Core.OrchestrationStatus.Canceled => OrchestrationRuntimeStatus.Canceled,
        Core.OrchestrationStatus.Terminated => OrchestrationRuntimeStatus.Terminated,
        Core.OrchestrationStatus.Pending => OrchestrationRuntimeStatus.Pending,
        Core.OrchestrationStatus.Suspended => OrchestrationRuntimeStatus.Suspended,
        _ => (OrchestrationRuntimeStatus)(int)status,
    };

    public static Core.OrchestrationStatus ToCore(this OrchestrationRuntimeStatus status) => status switch
    {
        OrchestrationRuntimeStatus.Running => Core.OrchestrationStatus.Running,
        OrchestrationRuntimeStatus.Completed => Core.OrchestrationStatus.Completed,
        OrchestrationRuntimeStatus.ContinuedAsNew => Core.OrchestrationStatus.ContinuedAsNew,
        OrchestrationRuntimeStatus.Failed => Core.OrchestrationStatus.Failed,
        OrchestrationRuntimeStatus.Canceled => Core.OrchestrationStatus.Canceled,
        OrchestrationRuntimeStatus.Terminated => Core.OrchestrationStatus.Terminated,
        OrchestrationRuntimeStatus.Pending => Core.OrchestrationStatus.Pending,
        OrchestrationRuntimeStatus.Suspended => Core.OrchestrationStatus.Suspended,
        _ => (Core.OrchestrationStatus)(int)status,
    };
#pragma warning restore CS0618

    /// <summary>Ended: the instance will not run again unless restarted.</summary>
    public static bool IsTerminal(this Core.OrchestrationStatus status) => status is
        Core.OrchestrationStatus.Completed or Core.OrchestrationStatus.Failed or
        Core.OrchestrationStatus.Terminated or Core.OrchestrationStatus.Canceled;

    public static TaskFailureDetails? ToClient(this Core.FailureDetails? details) => details is null
        ? null
        : new TaskFailureDetails(details.ErrorType, details.ErrorMessage, details.StackTrace,
            details.InnerFailure.ToClient(), details.Properties);

    public static DateTimeOffset AsUtc(this DateTime time) => time == default
        ? default
        : new DateTimeOffset(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc));

    public static Core.PurgeInstanceFilter ToCore(this PurgeInstancesFilter filter) => new(
        (filter.CreatedFrom ?? DateTimeOffset.MinValue).UtcDateTime,
        filter.CreatedTo?.UtcDateTime,
        filter.Statuses?.Select(s => s.ToCore()));
}
