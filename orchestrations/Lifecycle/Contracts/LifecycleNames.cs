namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>Names of the lifecycle orchestrators (registered under these names, version "").</summary>
public static class LifecycleOrchestrators
{
    /// <summary>One instance per project (项目全生命周期), id <see cref="InstanceIds.Project"/>: filing → stages → joint acceptance → completion.</summary>
    public const string Project = "ProjectLifecycle";

    /// <summary>One instance per item and round (事项), id <see cref="InstanceIds.Item"/>: acceptance, decision clock, decisions, simulated opinion and conversion.</summary>
    public const string Item = "ApprovalItem";

    /// <summary>One instance per escalation (联席会议), id <see cref="InstanceIds.JointMeeting"/>: convene within the limit, record the resolution, else escalate to leadership (疑难会商).</summary>
    public const string JointMeeting = "JointMeeting";
}

/// <summary>External event names. Payload types are in the same folder; each is named after its event.</summary>
public static class LifecycleEvents
{
    // ---- raised on an item instance ----

    /// <summary>A department decision on an item (<see cref="DepartmentDecision"/>), raised on the item instance with an idempotency key.</summary>
    public const string Decision = "Decision";

    /// <summary>The applicant supplied materials (<see cref="MaterialsSupplied"/>): missing tolerance materials (容缺补齐), a requested correction (补正) or a rectification report (整改).</summary>
    public const string MaterialsSupplied = "MaterialsSupplied";

    /// <summary>Sent by the project to its simulated items (<see cref="LandRightsObtained"/>): start conversion (文件转换) within 3 working days.</summary>
    public const string StartConversion = "StartConversion";

    /// <summary>Sent by the project to an open item (<see cref="FollowUpDeadline"/>): the joint meeting assigned a follow-up deadline.</summary>
    public const string FollowUpDeadline = "FollowUpDeadline";

    /// <summary>Sent by the project to an item replaced by a new round (<see cref="ItemWithdrawn"/>), e.g. after a material change.</summary>
    public const string Withdraw = "Withdraw";

    // ---- raised on the project instance ----

    /// <summary>The land contract or allocation decision is signed (<see cref="LandRightsObtained"/>).</summary>
    public const string LandRightsObtained = "LandRightsObtained";

    /// <summary>A material change (<see cref="MaterialChange"/>) naming a re-approval reason and the affected items.</summary>
    public const string MaterialChange = "MaterialChange";

    /// <summary>Construction is finished (<see cref="ConstructionFinished"/>): joint acceptance may start.</summary>
    public const string ConstructionFinished = "ConstructionFinished";

    /// <summary>The daily SLA sweep asks the project to escalate an overdue item that has not escalated (<see cref="EscalateOverdue"/>).</summary>
    public const string EscalateOverdue = "EscalateOverdue";

    /// <summary>A joint meeting reports its state to its project (<see cref="JointMeetingStatus"/>); internal.</summary>
    public const string EscalationProgress = "EscalationProgress";

    /// <summary>An item reports a change of its state to its project (<see cref="ItemProgress"/>); internal.</summary>
    public const string ItemProgress = "ItemProgress";

    // ---- raised on a joint-meeting instance ----

    /// <summary>The joint meeting's (or leadership's) resolution (<see cref="JointMeetingResolution"/>).</summary>
    public const string JointMeetingResolution = "JointMeetingResolution";

    /// <summary>Sent by the project (<see cref="JointMeetingMoot"/>): the escalated item was decided or superseded, or the project ended; the meeting ends as Moot. Internal.</summary>
    public const string JointMeetingMoot = "JointMeetingMoot";

    /// <summary>Raised by the read-model rebuild (<see cref="ReadModel.ReadModelRebuilder"/>): the project publishes its whole state again, under a new version. Ops.</summary>
    public const string RepublishReadModel = "RepublishReadModel";
}

/// <summary>Activity names (registered under the class name).</summary>
public static class LifecycleActivities
{
    public const string FetchCredit = "FetchCredit";
    public const string BuildApprovalPlan = "BuildApprovalPlan";
    public const string RecordFiling = "RecordFiling";
    public const string PublishCommitments = "PublishCommitments";
    public const string Notify = "Notify";
    public const string RecordCreditEvent = "RecordCreditEvent";
    /// <summary>Writes what changed in a project since its last publish to the read model (Azure tables), idempotently by version.</summary>
    public const string PublishProjectReadModel = "PublishProjectReadModel";
    public const string LoadLifecycleRules = "LoadLifecycleRules";
}
