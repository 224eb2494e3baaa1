using Orchestrator.Orchestrations.Clocks;
using System.Text.Json.Serialization;
using Orchestrator.Orchestrations.Credit;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>Where a project stands (项目状态).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProjectPhase>))]
public enum ProjectPhase
{
    /// <summary>Filing: identifiers, credit, approval map (一张图).</summary>
    Filing,
    /// <summary>Approval stages 1-3 are running.</summary>
    InApproval,
    /// <summary>Everything possible is done; the construction permit waits for land rights and conversion of simulated opinions.</summary>
    AwaitingLandRights,
    /// <summary>Construction permitted; waiting for ConstructionFinished.</summary>
    UnderConstruction,
    /// <summary>联合验收 and 信用验收 are running.</summary>
    JointAcceptance,
    /// <summary>竣工: the project is complete; the timeline is the orchestration's output.</summary>
    Completed,
    /// <summary>Ended without completion (rejected item, failed acceptance, invalid filing).</summary>
    Closed,
}

/// <summary>The enterprise as recorded at filing.</summary>
public sealed record EnterpriseInfo(string Uscc, string Name, CreditGrade? Grade, int? Score, bool HasDishonestyRecord, bool HasPriorFalseCommitment, IReadOnlyList<string> UsccWarnings);

/// <summary>State of a commitment (告知承诺) the enterprise made.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CommitmentState>))]
public enum CommitmentState
{
    /// <summary>Published (公示), waiting for verification.</summary>
    Published,
    /// <summary>Verified as kept at credit acceptance.</summary>
    Kept,
    /// <summary>Found broken: credit event recorded.</summary>
    Broken,
}

/// <summary>A commitment the enterprise made for one item, published at filing and verified at credit acceptance (信用验收).</summary>
public sealed record CommitmentRecord(string ItemCode, string DepartmentCode, string Explanation, DateTimeOffset PublishedAt, CommitmentState State, DateTimeOffset? VerifiedAt, string? Note);

/// <summary>An escalation of the project, as the project tracks it.</summary>
public sealed record EscalationRecord(
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

/// <summary>A credit event recorded on the enterprise (信用记录).</summary>
public sealed record CreditEventRecord(CreditEvent Event, string ItemCode, DateTimeOffset At, string Explanation);

/// <summary>One line of the project's timeline (full history kept in the output at completion).</summary>
/// <param name="At">When (UTC).</param>
/// <param name="Kind">Short machine kind, e.g. filed, stage-started, item-approved, escalated, land-rights, completed.</param>
/// <param name="Text">What happened, in words.</param>
/// <param name="ItemCode">Item concerned, if any.</param>
/// <param name="Actor">Who, if a person.</param>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string Text, string? ItemCode = null, Actor? Actor = null);

/// <summary>Input of the project orchestration (<see cref="LifecycleOrchestrators.Project"/>).</summary>
/// <param name="Request">The filing.</param>
/// <param name="FiledAt">Domain time of the filing.</param>
/// <param name="Clock">The domain clock of the project and all its children (real time in production).</param>
public sealed record ProjectInput(FileProjectRequest Request, DateTimeOffset FiledAt, DomainClock Clock);

/// <summary>
/// Custom status of the project orchestration: the project's read model. Item entries are copies of the
/// item rounds' own status, replaced on every <see cref="ItemProgress"/>; views compute SLA lights on read.
/// </summary>
public sealed record ProjectStatus(
    string ProjectCode,
    string ProjectName,
    EnterpriseInfo Enterprise,
    ProjectPhase Phase,
    int CurrentStage,
    DateTimeOffset FiledAt,
    bool LandRightsHeld,
    bool SimulatedApproval,
    string CatalogVersion,
    IReadOnlyList<ItemStatus> Items,
    IReadOnlyList<CommitmentRecord> Commitments,
    IReadOnlyList<EscalationRecord> Escalations,
    IReadOnlyList<CreditEventRecord> CreditEvents,
    IReadOnlyList<TimelineEntry> Timeline,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    string? ClosedReason);
