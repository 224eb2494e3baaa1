using System.Text.Json.Serialization;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>
/// Payload of <see cref="LifecycleEvents.MaterialsSupplied"/> on an item: missing tolerance materials (容缺补齐),
/// a requested correction (补正), or a rectification report at joint acceptance (整改完成).
/// </summary>
public sealed record MaterialsSupplied(Actor Actor, IReadOnlyList<string> Materials, string IdempotencyKey, string? Note = null);

/// <summary>
/// Payload of <see cref="LifecycleEvents.LandRightsObtained"/>: the land transfer contract or allocation decision
/// (土地出让合同 / 划拨决定书) is signed; every simulated opinion must become formal within 3 working days (文件转换).
/// </summary>
public sealed record LandRightsObtained(Actor Actor, DateOnly ContractDate, string ContractNumber, string IdempotencyKey);

/// <summary>Re-approval reasons of the simulated-approval rules (需重新审批的情形).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReapprovalReason>))]
public enum ReapprovalReason
{
    /// <summary>土地使用权不能取得</summary>
    LandRightsNotObtainable,
    /// <summary>选址变更</summary>
    SiteChanged,
    /// <summary>功能、性质、产品方案或工艺发生重大变化</summary>
    FunctionOrProcessChanged,
    /// <summary>建设规模发生重大变化</summary>
    ScaleChanged,
    /// <summary>规划方案重大变化</summary>
    PlanningSchemeChanged,
    /// <summary>项目业主变更</summary>
    OwnerChanged,
    /// <summary>总投资重大变化</summary>
    TotalInvestmentChanged,
    /// <summary>环保措施重大变化</summary>
    EnvironmentalMeasuresChanged,
    /// <summary>标准变化影响项目</summary>
    StandardsChanged,
    /// <summary>其他违反法律法规或标准的情形</summary>
    OtherViolation,
}

/// <summary>
/// Payload of <see cref="LifecycleEvents.MaterialChange"/>: a material change naming a re-approval reason; each
/// affected item goes back through approval in a new round (<see cref="InstanceIds.Item"/> with r2, r3…).
/// </summary>
public sealed record MaterialChange(Actor Actor, ReapprovalReason Reason, IReadOnlyList<string> AffectedItems, string Description, string IdempotencyKey);

/// <summary>Payload of <see cref="LifecycleEvents.ConstructionFinished"/>: the works are finished; joint acceptance (联合验收) starts.</summary>
public sealed record ConstructionFinished(Actor Actor, DateOnly FinishedOn, string IdempotencyKey);

/// <summary>Payload of <see cref="LifecycleEvents.Withdraw"/>: the item round is replaced (e.g. material change) and ends as superseded.</summary>
public sealed record ItemWithdrawn(string Reason, int NextRound);

/// <summary>Payload of <see cref="LifecycleEvents.FollowUpDeadline"/>: the joint meeting's follow-up deadline for an open item.</summary>
/// <param name="MeetingInstanceId">The joint meeting that assigned it.</param>
/// <param name="DueAt">New due instant (UTC, end of a working day Asia/Shanghai).</param>
/// <param name="Instruction">What the department must do.</param>
public sealed record FollowUpDeadline(string MeetingInstanceId, DateTimeOffset DueAt, string Instruction);
