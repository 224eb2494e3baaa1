using Orchestrator.Orchestrations.Plan;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>
/// Read side of the lifecycle, for the HTTP layer and the dashboard (issue 5).
/// Read model: the project orchestration's custom status (<see cref="ProjectStatus"/>) holds a copy of every
/// item round's status, refreshed by <see cref="LifecycleEvents.ItemProgress"/> events; one instance read gives
/// a whole project. SLA lights and due dates are computed at read time from the stored clocks with the domain
/// calendar, so they are never stale. Lists query project instances by id prefix <c>project-</c> (paged by the engine).
/// </summary>
public interface IProjectQueries
{
    /// <summary>A project with every item, its escalations, commitments and timeline; null when not filed.</summary>
    Task<ProjectView?> GetProjectAsync(string projectCode, CancellationToken ct = default);

    /// <summary>The approval map (一张图) made at filing; null when not filed (or not yet planned).</summary>
    Task<ApprovalPlan?> GetPlanAsync(string projectCode, CancellationToken ct = default);

    /// <summary>Projects matching the filters, paged.</summary>
    Task<Page<ProjectSummary>> ListProjectsAsync(ProjectListQuery query, CancellationToken ct = default);

    /// <summary>Open items of a department (accepting decisions), most urgent first.</summary>
    Task<IReadOnlyList<DepartmentItemView>> ListDepartmentItemsAsync(string departmentCode, CancellationToken ct = default);

    /// <summary>The SLA board (红黄灯) at <paramref name="now"/>: green/yellow/red per department, due today and next working day.</summary>
    Task<SlaBoard> GetSlaBoardAsync(DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Escalations (joint meetings, leadership), open ones first.</summary>
    Task<IReadOnlyList<EscalationView>> ListEscalationsAsync(bool openOnly = true, CancellationToken ct = default);
}
