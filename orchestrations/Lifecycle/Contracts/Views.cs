using System.Text.Json.Serialization;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Plan;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>SLA light of an item (红黄灯), computed at read time from its clock.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SlaLight>))]
public enum SlaLight
{
    /// <summary>No running clock (pending, waived, simulated opinion waiting for land rights, finished).</summary>
    None,
    /// <summary>绿灯: on time.</summary>
    Green,
    /// <summary>黄灯: within the warning margin.</summary>
    Yellow,
    /// <summary>红灯: overdue.</summary>
    Red,
}

/// <summary>A due instant as shown to people: UTC, the local date in China, and whether it is provisional (a year without holiday data).</summary>
public sealed record DueView(DateTimeOffset DueAtUtc, DateOnly DueDateLocal, bool Provisional, int DaysRemaining);

/// <summary>One item of a project as the API returns it.</summary>
public sealed record ItemView(
    string ItemCode,
    string Name,
    string NameEn,
    int Stage,
    string DepartmentCode,
    HandlingMode Mode,
    bool ToleranceAccepted,
    string ModeReason,
    int Round,
    ItemRoundPurpose Purpose,
    string InstanceId,
    ItemState State,
    bool Open,
    DateTimeOffset? AcceptedAt,
    DueView? Due,
    SlaLight Light,
    DueView? MaterialsDue,
    IReadOnlyList<string> MissingMaterials,
    DateTimeOffset? SimulatedValidUntil,
    DateTimeOffset? DecidedAt,
    int WorkingDaysLate,
    int Escalations,
    IReadOnlyList<DecisionRecord> Decisions);

/// <summary>An escalation as the API returns it.</summary>
public sealed record EscalationView(
    string ProjectCode,
    string MeetingInstanceId,
    int Sequence,
    EscalationCause Cause,
    IReadOnlyList<string> ItemCodes,
    IReadOnlyList<string> Departments,
    EscalationLevel Level,
    EscalationState State,
    DateTimeOffset OpenedAt,
    DateTimeOffset ConveneBy,
    DateTimeOffset? ResolvedAt,
    string? Resolution,
    DateTimeOffset? MootAt = null,
    string? MootReason = null);

/// <summary>A project as the API returns it (GET /api/projects/{projectCode}).</summary>
public sealed record ProjectView(
    string ProjectCode,
    string ProjectName,
    string InstanceId,
    EnterpriseInfo Enterprise,
    ProjectPhase Phase,
    int Stage,
    string StageName,
    string RuntimeStatus,
    DateTimeOffset FiledAt,
    DateTimeOffset? CompletedAt,
    string? ClosedReason,
    bool LandRightsHeld,
    bool SimulatedApproval,
    SlaLight Light,
    IReadOnlyList<ItemView> Items,
    IReadOnlyList<EscalationView> Escalations,
    IReadOnlyList<CommitmentRecord> Commitments,
    IReadOnlyList<CreditEventRecord> CreditEvents,
    IReadOnlyList<TimelineEntry> Timeline,
    DateTimeOffset ReadAt);

/// <summary>A line of a project list (GET /api/projects).</summary>
public sealed record ProjectSummary(
    string ProjectCode,
    string ProjectName,
    string Uscc,
    string EnterpriseName,
    ProjectPhase Phase,
    int Stage,
    SlaLight Light,
    int OpenItems,
    int OverdueItems,
    DateTimeOffset FiledAt,
    string RuntimeStatus);

/// <summary>An open item of a department (GET /api/departments/{departmentCode}/items).</summary>
public sealed record DepartmentItemView(string ProjectCode, string ProjectName, ItemView Item);

/// <summary>
/// One department's row on the SLA board: exact counts by light and by due date (today, the next working day), and the
/// entries behind them up to <see cref="SlaBoard.EntriesPerList"/> per list.
/// </summary>
public sealed record SlaBoardDepartment(string DepartmentCode, int Green, int Yellow, int Red, IReadOnlyList<SlaBoardEntry> Entries,
    int DueTodayCount = 0, int DueNextWorkingDayCount = 0);

/// <summary>One running clock on the SLA board.</summary>
public sealed record SlaBoardEntry(string ProjectCode, string ItemCode, string DepartmentCode, ItemState State, SlaLight Light,
    DateTimeOffset DueAtUtc, DateOnly DueDateLocal, bool Provisional, int DaysRemaining, int WorkingDaysLate, bool Escalated, string Clock);

/// <summary>
/// The SLA board (红黄灯) at an instant: per department, with what is due today and on the next working day. The counts are
/// exact; <see cref="DueToday"/> and <see cref="DueNextWorkingDay"/> hold at most <see cref="EntriesPerList"/> entries per
/// department (the most urgent; a province has tens of thousands due on a day, a department's full list is its paged items
/// list). <see cref="OverdueNotEscalated"/> is complete: items escalate by their own timers, so it is the safety net's
/// short list, and its length is an alarm.
/// </summary>
/// <param name="DueTodayCount">Open items whose deadline falls today (China time), in all departments.</param>
/// <param name="DueNextWorkingDayCount">Open items whose deadline falls after today up to the next working day.</param>
public sealed record SlaBoard(DateTimeOffset At, DateOnly LocalDate, int Green, int Yellow, int Red,
    IReadOnlyList<SlaBoardDepartment> Departments, IReadOnlyList<SlaBoardEntry> DueToday, IReadOnlyList<SlaBoardEntry> DueNextWorkingDay,
    IReadOnlyList<SlaBoardEntry> OverdueNotEscalated, int DueTodayCount = 0, int DueNextWorkingDayCount = 0)
{
    /// <summary>Entries per department in each of the due lists.</summary>
    public const int EntriesPerList = 50;
}

/// <summary>A page of results; pass <see cref="ContinuationToken"/> back for the next page (null: last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>Filters of the project list; every filter given must hold.</summary>
public sealed record ProjectListQuery
{
    public int? Stage { get; init; }
    public SlaLight? Light { get; init; }
    public string? DepartmentCode { get; init; }
    /// <summary>True: only projects with an overdue item; false: only projects without.</summary>
    public bool? Overdue { get; init; }
    public DateTimeOffset? FiledFrom { get; init; }
    public DateTimeOffset? FiledTo { get; init; }
    public ProjectPhase? Phase { get; init; }
    public int PageSize { get; init; } = 50;
    public string? ContinuationToken { get; init; }
}
