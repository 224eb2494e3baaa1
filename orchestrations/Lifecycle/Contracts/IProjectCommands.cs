namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>
/// Commands of the lifecycle, for the HTTP layer (issue 5). Each validates against the current state before it
/// raises anything, so a refused command stores nothing; the orchestrations validate again when they apply
/// (an event that arrives for a closed item is recorded as ignored, never applied).
/// Idempotency keys are passed to the engine (<c>RaiseEventOptions.IdempotencyKey</c>), so a retried request is applied once.
/// </summary>
public interface IProjectCommands
{
    /// <summary>
    /// Files a project: validates the project code and USCC (domain identifiers) and starts
    /// <c>project-{projectCode}</c>. Idempotent on the project code: filing the same project again returns
    /// <see cref="FileProjectOutcome.Existing"/> and never starts a second orchestration.
    /// </summary>
    Task<FileProjectResult> FileProjectAsync(FileProjectRequest request, CancellationToken ct = default);

    /// <summary>
    /// A department's decision on one of its items. Returns NotFound (no project/item), NotYourDepartment (403),
    /// NotOpen with the item's state (409), Invalid (rule broken), Duplicate (key seen) or Applied.
    /// </summary>
    Task<CommandResult> RecordDecisionAsync(string departmentCode, string projectCode, string itemCode, DepartmentDecision decision, CancellationToken ct = default);

    /// <summary>The applicant supplies materials for an item (tolerance materials, correction, rectification report).</summary>
    Task<CommandResult> SubmitMaterialsAsync(string projectCode, string itemCode, MaterialsSupplied materials, CancellationToken ct = default);

    /// <summary>Land rights obtained: every simulated opinion must be made formal within 3 working days.</summary>
    Task<CommandResult> ReportLandRightsAsync(string projectCode, LandRightsObtained landRights, CancellationToken ct = default);

    /// <summary>A material change naming a re-approval reason and the affected items.</summary>
    Task<CommandResult> ReportMaterialChangeAsync(string projectCode, MaterialChange change, CancellationToken ct = default);

    /// <summary>Construction finished: joint acceptance starts (once the construction permit is granted).</summary>
    Task<CommandResult> ReportConstructionFinishedAsync(string projectCode, ConstructionFinished finished, CancellationToken ct = default);

    /// <summary>The agency centre records a joint meeting's (or the leadership's) resolution on <c>project-{code}-meeting-{n}</c>.</summary>
    Task<CommandResult> RecordJointMeetingResolutionAsync(string projectCode, int sequence, JointMeetingResolution resolution, CancellationToken ct = default);
}
