using Orchestrator.Orchestrations.Clocks;
using System.Text.Json.Serialization;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>What an escalation is about.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EscalationCause>))]
public enum EscalationCause
{
    /// <summary>The item's decision is overdue (办理超时).</summary>
    DecisionOverdue,
    /// <summary>A simulated opinion was not made formal within 3 working days of land rights (转换超时).</summary>
    ConversionOverdue,
    /// <summary>A follow-up deadline set by a joint meeting was missed.</summary>
    FollowUpOverdue,
    /// <summary>Joint acceptance passed its single deadline.</summary>
    AcceptanceOverdue,
}

/// <summary>Level an escalation has reached.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EscalationLevel>))]
public enum EscalationLevel
{
    /// <summary>联席会议: to be convened by the agency centre within the configured limit.</summary>
    JointMeeting,
    /// <summary>疑难会商: the joint meeting missed its limit; government leadership.</summary>
    Leadership,
}

/// <summary>State of an escalation.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EscalationState>))]
public enum EscalationState
{
    /// <summary>Waiting for the meeting to convene and resolve.</summary>
    Open,
    /// <summary>Resolution recorded; follow-up deadlines assigned.</summary>
    Resolved,
    /// <summary>
    /// No longer needed before it resolved: the escalated item was decided (or superseded by a re-approval round), or
    /// the project ended. The meeting ended with the reason; its convene and leadership timers were cancelled. The
    /// record stays for the report.
    /// </summary>
    Moot,
}

/// <summary>Input of the joint-meeting orchestration (联席会议).</summary>
public sealed record JointMeetingInput(
    string ProjectCode,
    int Sequence,
    EscalationCause Cause,
    IReadOnlyList<string> ItemCodes,
    IReadOnlyList<string> Departments,
    DateTimeOffset OverdueSince,
    string Summary,
    LifecycleRules Rules,
    DomainClock Clock,
    string? ParentInstanceId);

/// <summary>A follow-up deadline the meeting assigns to one item (in working days from the resolution).</summary>
public sealed record FollowUpAssignment(string ItemCode, int WorkingDays, string Instruction);

/// <summary>
/// Payload of <see cref="LifecycleEvents.JointMeetingResolution"/>, raised on the meeting instance by the agency
/// centre (ops) once the meeting (or the leadership, 疑难会商) has met.
/// </summary>
public sealed record JointMeetingResolution(
    Actor Actor,
    DateTimeOffset HeldAt,
    IReadOnlyList<string> Attendees,
    string Resolution,
    IReadOnlyList<FollowUpAssignment> FollowUps,
    string IdempotencyKey);

/// <summary>
/// Payload of <see cref="LifecycleEvents.JointMeetingMoot"/>, sent by the project to an open meeting when its reason
/// disappeared (the item was decided or superseded, or the project ended). A meeting that has already resolved ignores it.
/// </summary>
public sealed record JointMeetingMoot(string Reason, DateTimeOffset At);

/// <summary>Output (and custom status) of a joint meeting.</summary>
public sealed record JointMeetingStatus(
    string InstanceId,
    string ProjectCode,
    int Sequence,
    EscalationCause Cause,
    IReadOnlyList<string> ItemCodes,
    IReadOnlyList<string> Departments,
    string Summary,
    EscalationLevel Level,
    EscalationState State,
    DateTimeOffset OpenedAt,
    DateTimeOffset ConveneBy,
    DateTimeOffset? EscalatedToLeadershipAt,
    DateTimeOffset? LeadershipResolveBy,
    JointMeetingResolution? Resolution,
    IReadOnlyList<FollowUpDeadlineAssigned> FollowUps,
    DateTimeOffset? MootAt = null,
    string? MootReason = null);

/// <summary>A follow-up deadline as assigned, with its due instant.</summary>
public sealed record FollowUpDeadlineAssigned(string ItemCode, DateTimeOffset DueAt, string Instruction);
