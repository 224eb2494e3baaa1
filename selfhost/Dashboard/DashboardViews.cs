using System.Text.Json.Nodes;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.SelfHost.Dashboard;

/// <summary>The signed-in key as the page needs it: whether to show the change buttons.</summary>
public sealed record DashboardUser(string Name, string Role, bool CanOperate);

public sealed record FailureView(string ErrorType, string ErrorMessage, string? StackTrace);

/// <summary>One line of the instance list.</summary>
public sealed record InstanceRow(
    string InstanceId,
    string Name,
    string RuntimeStatus,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime,
    DateTimeOffset? CompletedTime,
    string? ParentInstanceId,
    string? CustomStatus,
    FailureView? Failure,
    string? Version = null);

public sealed record InstancePage(IReadOnlyList<InstanceRow> Instances, string? ContinuationToken);

/// <summary>One history event as the timeline shows it.</summary>
public sealed record TimelineEvent(
    int EventId,
    string EventType,
    DateTimeOffset Timestamp,
    string? Name,
    DateTimeOffset? FireAt,
    int? TaskScheduledId,
    string? InstanceId,
    FailureView? Failure,
    string? Detail);

/// <summary>A deadline that applies to the instance (from the lifecycle read side).</summary>
public sealed record DeadlineView(
    string Label,
    string? ItemCode,
    string? State,
    SlaLight Light,
    DateTimeOffset DueAtUtc,
    DateOnly? DueDateLocal,
    int? DaysRemaining,
    bool Provisional,
    int WorkingDaysLate);

/// <summary>SLA deadlines of a project, item or joint-meeting instance; Available false when the lifecycle is not in this host.</summary>
public sealed record InstanceSla(bool Available, string? Kind, string? ProjectCode, SlaLight? Light, IReadOnlyList<DeadlineView> Deadlines, string? Note);

public sealed record InstanceDetail(
    InstanceRow Instance,
    string? Version,
    JsonNode? Input,
    JsonNode? Output,
    JsonNode? CustomStatus,
    IReadOnlyList<TimelineEvent> History,
    InstanceSla? Sla);

/// <summary>A lifecycle read that may be missing in this host (lifecycle not registered) or fail.</summary>
public sealed record LifecycleRead<T>(bool Available, T? Value, string? Note);

public sealed record ScheduledFunctionView(string Name, string? Cron, string TimeZone, bool Enabled, DateTimeOffset? NextOccurrence);

/// <param name="Outcome">Completed, Failed, Running (the function is still running), Terminated…; a run whose function has
/// finished while its instance still holds the occurrence's id (Schedules:DuplicateGuard) is Completed.</param>
/// <param name="Note">E.g. until when the instance holds the id.</param>
public sealed record ScheduledRunView(
    string InstanceId,
    string Function,
    DateTimeOffset? ScheduledTime,
    string Outcome,
    string? Note,
    string RuntimeStatus,
    DateTimeOffset CreatedTime,
    DateTimeOffset? CompletedTime,
    double? DurationSeconds,
    FailureView? Failure);

public sealed record ScheduleOverview(bool SchedulerEnabled, IReadOnlyList<ScheduledFunctionView> Functions, IReadOnlyList<ScheduledRunView> Runs);
