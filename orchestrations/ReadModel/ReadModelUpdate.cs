using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.ReadModel;

/// <summary>
/// Input of <see cref="PublishProjectReadModel"/>: what changed in a project since its previous publish, stamped with
/// <see cref="Version"/> (the project orchestration's publish counter: increases by one per publish, the same on replay).
/// </summary>
/// <param name="Head">The project without its items, timeline and escalations (enterprise, commitments, credit events, phase...).</param>
/// <param name="Zone">Zone code of the filing (a column of the project row).</param>
/// <param name="OpenDues">Due instants of the open items whose clock runs (the project row's light and overdue count are computed from them at read time).</param>
/// <param name="OpenItems">Open items (accepting decisions).</param>
/// <param name="OpenDepartments">Departments with open items.</param>
/// <param name="OpenEscalations">Escalations still open.</param>
/// <param name="Items">Changed item slots (and index removals of rounds that ended or were replaced).</param>
/// <param name="TimelineStart">Sequence number (0-based) of the first entry of <paramref name="Timeline"/>.</param>
/// <param name="Timeline">Timeline entries added since the previous publish.</param>
/// <param name="Escalations">Escalations added or changed since the previous publish.</param>
/// <param name="ProjectRowChanged">A column of the project row changed (else the writer leaves the row alone: one read and one write saved).</param>
public sealed record ReadModelUpdate(
    long Version,
    ProjectStatus Head,
    string? Zone,
    IReadOnlyList<DateTimeOffset> OpenDues,
    int OpenItems,
    IReadOnlyList<string> OpenDepartments,
    int OpenEscalations,
    IReadOnlyList<ItemChange> Items,
    int TimelineStart,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<EscalationRecord> Escalations,
    bool ProjectRowChanged = true)
{
    public string ProjectCode => Head.ProjectCode;
}

/// <summary>
/// One item slot's change. <paramref name="DueKey"/> is the department index bucket the round is in now
/// (<see cref="ReadModelKeys.DueKey"/>: local due date yyyyMMdd, <c>99999999</c> when paused; null when not open), and
/// <paramref name="PreviousDueKey"/> the bucket the previous publish put it in (null: not indexed).
/// </summary>
/// <param name="Slot">The item slot (item code, or item code + <c>|verify</c> for a commitment verification round).</param>
/// <param name="Order">Position of the slot in the project (the view lists items in this order).</param>
/// <param name="Status">The round's status (its instance id keys the department row).</param>
/// <param name="Escalated">An open escalation covers the item.</param>
/// <param name="IndexOnly">Only the department index changes (an earlier round of the slot leaves it); the project's item row is not written.</param>
public sealed record ItemChange(string Slot, int Order, ItemStatus Status, string? DueKey, string? PreviousDueKey, bool Escalated, bool IndexOnly = false);
