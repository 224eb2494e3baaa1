using Orchestrator.Orchestrations.Plan;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>
/// Read side of the lifecycle, for the HTTP layer and the dashboard (issue 5).
/// Read model (issue 10): Azure tables written by the project orchestration's publish activity (projects, project details,
/// open items by department and due date, escalations); the orchestrations stay the source of truth and
/// <see cref="ReadModel.ReadModelRebuilder"/> re-creates the tables from them. SLA lights and due dates are computed at read
/// time from the stored clocks with the domain calendar, so they are never stale.
/// </summary>
public interface IProjectQueries
{
    /// <summary>A project with every item, its escalations, commitments and timeline; null when not filed.</summary>
    Task<ProjectView?> GetProjectAsync(string projectCode, CancellationToken ct = default);

    /// <summary>The approval map (一张图) made at filing; null when not filed (or not yet planned).</summary>
    Task<ApprovalPlan?> GetPlanAsync(string projectCode, CancellationToken ct = default);

    /// <summary>Projects matching the filters, paged.</summary>
    /// <exception cref="FormatException">The continuation token was not issued for this list.</exception>
    Task<Page<ProjectSummary>> ListProjectsAsync(ProjectListQuery query, CancellationToken ct = default);

    /// <summary>Open items of a department (accepting decisions), most urgent first.</summary>
    Task<IReadOnlyList<DepartmentItemView>> ListDepartmentItemsAsync(string departmentCode, CancellationToken ct = default);

    /// <summary>
    /// A page of a department's open items in due order (most urgent first), for departments with many. The default pages
    /// the full list in memory (for implementations without an index); the read model pages on the table.
    /// </summary>
    /// <exception cref="FormatException">The continuation token was not issued for this list.</exception>
    async Task<Page<DepartmentItemView>> ListDepartmentItemsPageAsync(string departmentCode, int pageSize, string? continuationToken, CancellationToken ct = default)
    {
        var all = await ListDepartmentItemsAsync(departmentCode, ct);
        var skip = 0;
        if (continuationToken is not null && (!int.TryParse(continuationToken, out skip) || skip < 0))
            throw new FormatException("Not a continuation token of this list.");
        var size = Math.Clamp(pageSize, 1, 1000);
        return new Page<DepartmentItemView>(all.Skip(skip).Take(size).ToList(), skip + size < all.Count ? (skip + size).ToString() : null);
    }

    /// <summary>The SLA board (红黄灯) at <paramref name="now"/>: green/yellow/red per department, due today and next working day.</summary>
    Task<SlaBoard> GetSlaBoardAsync(DateTimeOffset now, CancellationToken ct = default);

    /// <summary>
    /// Every open item with a running clock whose deadline falls today or up to the next working day, in due order per
    /// department: what the daily sweep reminds (the board lists only the first of them). The default takes the board's lists
    /// (for implementations whose board is complete); the read model streams its due-date index.
    /// </summary>
    async IAsyncEnumerable<SlaBoardEntry> ListDueSoonAsync(DateTimeOffset now, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var board = await GetSlaBoardAsync(now, ct);
        foreach (var e in board.DueToday.Concat(board.DueNextWorkingDay)) yield return e;
    }

    /// <summary>Escalations (joint meetings, leadership), open ones first.</summary>
    Task<IReadOnlyList<EscalationView>> ListEscalationsAsync(bool openOnly = true, CancellationToken ct = default);
}
