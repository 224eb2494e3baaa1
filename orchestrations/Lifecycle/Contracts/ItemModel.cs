using System.Text.Json.Serialization;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Plan;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>State of one item round (事项状态).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ItemState>))]
public enum ItemState
{
    /// <summary>Waiting for its stage or prerequisites (未开始).</summary>
    Pending,
    /// <summary>受理: under review, the decision clock runs. Open for decisions.</summary>
    UnderReview,
    /// <summary>补正: the department asked for corrected materials; the clock is paused. Open for decisions.</summary>
    CorrectionRequested,
    /// <summary>特别程序 (Art. 45): the clock is paused. Open for decisions.</summary>
    SpecialProcedure,
    /// <summary>模拟审批意见已出具: simulated opinion issued, waiting for land rights (valid 1 year).</summary>
    SimulatedOpinion,
    /// <summary>文件转换: land rights obtained, the formal approval is due within 3 working days. Open for decisions.</summary>
    Converting,
    /// <summary>整改 (joint acceptance): the applicant rectifies by a deadline, then re-inspection. Open for decisions.</summary>
    Rectifying,
    /// <summary>准予许可 / 通过: final, formal.</summary>
    Approved,
    /// <summary>承诺即办结: granted by commitment; obligation verified later.</summary>
    Committed,
    /// <summary>区域评估免办: waived.</summary>
    Waived,
    /// <summary>不予许可 / 验收不合格: final.</summary>
    Rejected,
    /// <summary>The simulated opinion expired (1 year) before land rights; re-approval needed.</summary>
    Expired,
    /// <summary>Replaced by a newer round (material change).</summary>
    Superseded,
}

/// <summary>State helpers shared by the orchestrators and the query side.</summary>
public static class ItemStates
{
    /// <summary>States in which a department decision is accepted (otherwise: 409 with the state).</summary>
    public static bool IsOpen(ItemState s) => s is ItemState.UnderReview or ItemState.CorrectionRequested or ItemState.SpecialProcedure
        or ItemState.Converting or ItemState.Rectifying;

    /// <summary>States after which the round's orchestration has ended.</summary>
    public static bool IsFinal(ItemState s) => s is ItemState.Approved or ItemState.Committed or ItemState.Waived or ItemState.Rejected
        or ItemState.Expired or ItemState.Superseded;

    /// <summary>States that satisfy a prerequisite of a later item (a simulated opinion counts, except for the construction permit).</summary>
    public static bool SatisfiesPrerequisite(ItemState s) => s is ItemState.Approved or ItemState.Committed or ItemState.Waived
        or ItemState.SimulatedOpinion or ItemState.Converting;
}

/// <summary>Input of an item round (<see cref="LifecycleOrchestrators.Item"/>).</summary>
/// <param name="ProjectCode">The project.</param>
/// <param name="Uscc">The enterprise (credit events).</param>
/// <param name="Item">The planned item (domain approval plan: mode, limit, department, prerequisites).</param>
/// <param name="Round">1, then 2, 3… after re-approval.</param>
/// <param name="Purpose">Why this round runs.</param>
/// <param name="SharedDueAt">Joint acceptance: the one deadline all acceptance items share (UTC), instead of the item's own limit.</param>
/// <param name="MissingMaterials">Tolerance: the materials missing at acceptance.</param>
/// <param name="Rules">The project's rules (calendar, limits), fixed at filing.</param>
/// <param name="Clock">The project's domain clock.</param>
/// <param name="ParentInstanceId">The project instance the round reports to (the engine does not tell a child its parent).</param>
public sealed record ItemInput(
    string ProjectCode,
    string Uscc,
    PlannedItem Item,
    int Round,
    ItemRoundPurpose Purpose,
    LifecycleRules Rules,
    DomainClock Clock,
    string? ParentInstanceId,
    DateTimeOffset? SharedDueAt = null,
    IReadOnlyList<string>? MissingMaterials = null);

/// <summary>Why an item round runs.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ItemRoundPurpose>))]
public enum ItemRoundPurpose
{
    /// <summary>The first pass through approval.</summary>
    Approval,
    /// <summary>Re-approval after a material change or an expired simulated opinion (重新审批).</summary>
    Reapproval,
    /// <summary>Joint acceptance item (联合验收), with the shared deadline.</summary>
    Acceptance,
    /// <summary>Credit acceptance of a commitment (信用验收): approve = kept, reject = broken.</summary>
    CommitmentVerification,
}

/// <summary>One recorded decision or applicant action in an item's history.</summary>
/// <param name="Kind">Decision kind, or null for applicant/system entries (see <paramref name="Entry"/>).</param>
/// <param name="Entry">What happened, e.g. "approve", "materials-supplied", "follow-up-deadline".</param>
/// <param name="Actor">Who.</param>
/// <param name="At">When (UTC, the orchestration time it was applied).</param>
/// <param name="Reasons">Reasons given.</param>
/// <param name="Detail">Procedure, extension days, note…</param>
/// <param name="IdempotencyKey">The caller's key.</param>
/// <param name="WorkingDaysLate">Working days after the due instant (0: on time). Late decisions still count (they are applied).</param>
public sealed record DecisionRecord(
    DecisionKind? Kind,
    string Entry,
    Actor Actor,
    DateTimeOffset At,
    IReadOnlyList<string> Reasons,
    string? Detail,
    string? IdempotencyKey,
    int WorkingDaysLate);

/// <summary>An event that reached the item but was not applied (closed item, rule broken): recorded, never corrupting state.</summary>
public sealed record IgnoredEvent(string EventName, DateTimeOffset At, string? IdempotencyKey, string Why);

/// <summary>
/// Custom status of an item round: the authoritative state of one item. The project keeps a copy
/// (<see cref="ItemProgress"/>); views compute SLA lights from the clocks at read time.
/// </summary>
/// <param name="Sequence">Increases with every change; the project keeps the highest it has seen (events may arrive out of order).</param>
public sealed record ItemStatus(
    string InstanceId,
    long Sequence,
    string ProjectCode,
    PlannedItem Item,
    int Round,
    ItemRoundPurpose Purpose,
    ItemState State,
    DateTimeOffset? AcceptedAt,
    ItemClock? Clock,
    ItemClock? MaterialsClock,
    IReadOnlyList<string> MissingMaterials,
    DateTimeOffset? MaterialsSuppliedAt,
    DateTimeOffset? FollowUpDueAt,
    DateTimeOffset? SharedDueAt,
    DateTimeOffset? RectifyBy,
    DateTimeOffset? SimulatedValidUntil,
    DateTimeOffset? DecidedAt,
    int WorkingDaysLate,
    bool WarningSent,
    int Escalations,
    IReadOnlyList<DecisionRecord> Decisions,
    IReadOnlyList<IgnoredEvent> Ignored,
    DateTimeOffset UpdatedAt);

/// <summary>What an item tells its project (event <see cref="LifecycleEvents.ItemProgress"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ItemSignal>))]
public enum ItemSignal
{
    /// <summary>The state changed; the snapshot replaces the project's copy.</summary>
    Changed,
    /// <summary>The margin is reached (黄灯): a warning was sent.</summary>
    Warning,
    /// <summary>Past due (红灯): the project escalates to a joint meeting.</summary>
    Overdue,
    /// <summary>Tolerance materials not supplied by their deadline: a credit event.</summary>
    MaterialsOverdue,
}

/// <summary>Payload of <see cref="LifecycleEvents.ItemProgress"/>: item → project.</summary>
public sealed record ItemProgress(ItemSignal Signal, ItemStatus Status, EscalationCause? Cause = null)
{
    /// <summary>The event's id: one round, one sequence, one signal. Delivery is at least once; the project applies an id once.</summary>
    public string EventId => $"{Status.InstanceId}:{Status.Sequence}:{Signal}";
}

/// <summary>Payload of <see cref="LifecycleEvents.EscalateOverdue"/>: the SLA sweep found an overdue item that has not escalated (safety net).</summary>
public sealed record EscalateOverdue(string ItemCode, string Reason, string IdempotencyKey);
