using Orchestrator.Durable;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Plan;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.Orchestrations.Lifecycle.Services;

/// <summary>
/// <see cref="IProjectQueries"/> on the engine's instance store: one instance read per project (its custom status is the
/// read model), lists by querying project instances (name <see cref="LifecycleOrchestrators.Project"/>, id prefix
/// <c>project-</c>), the approval map from the project's history (the BuildApprovalPlan activity result), escalations from
/// the joint-meeting instances themselves. SLA lights are computed at read time with <see cref="TimeProvider"/>.
/// </summary>
public sealed class ProjectQueries(DurableTaskClient client, ItemClockCalculator calc, ApprovalCatalog catalog, TimeProvider time) : IProjectQueries
{
    public async Task<ProjectView?> GetProjectAsync(string projectCode, CancellationToken ct = default)
    {
        if (!InstanceIds.IsSafe(projectCode)) return null;
        var m = await client.GetInstanceAsync(InstanceIds.Project(projectCode), getInputsAndOutputs: false, ct);
        var status = m is null ? null : ReadStatus(m);
        return status is null ? null : ProjectViews.ToView(status, m!.RuntimeStatus.ToString(), time.GetUtcNow(), calc, catalog);
    }

    public async Task<ApprovalPlan?> GetPlanAsync(string projectCode, CancellationToken ct = default)
    {
        if (!InstanceIds.IsSafe(projectCode)) return null;
        var history = await client.GetHistoryAsync(InstanceIds.Project(projectCode), ct);
        var scheduled = history.FirstOrDefault(h => h.EventType == HistoryEventType.TaskScheduled && h.Name == LifecycleActivities.BuildApprovalPlan);
        if (scheduled is null) return null;
        var completed = history.FirstOrDefault(h => h.EventType == HistoryEventType.TaskCompleted && h.TaskScheduledId == scheduled.EventId);
        return completed?.Result is { } json ? System.Text.Json.JsonSerializer.Deserialize<ApprovalPlan>(json, DurableJson.Options) : null;
    }

    public async Task<Page<ProjectSummary>> ListProjectsAsync(ProjectListQuery query, CancellationToken ct = default)
    {
        var page = await client.QueryInstancesAsync(new OrchestrationQuery
        {
            Name = LifecycleOrchestrators.Project,
            InstanceIdPrefix = InstanceIds.ProjectPrefix,
            CreatedFrom = query.FiledFrom,
            CreatedTo = query.FiledTo,
            PageSize = Math.Clamp(query.PageSize, 1, 500),
            FetchInputsAndOutputs = true, // the in-memory store drops custom status from query results without it
            ContinuationToken = query.ContinuationToken,
        }, ct);
        var now = time.GetUtcNow();
        var list = new List<ProjectSummary>();
        foreach (var m in page.Instances)
        {
            if (ReadStatus(m) is not { } p) continue;
            var summary = ProjectViews.ToSummary(p, m.RuntimeStatus.ToString(), now, calc);
            if (query.Stage is { } stage && p.CurrentStage != stage) continue;
            if (query.Phase is { } phase && p.Phase != phase) continue;
            if (query.Light is { } light && summary.Light != light) continue;
            if (query.Overdue is { } overdue && summary.OverdueItems > 0 != overdue) continue;
            if (query.FiledFrom is { } from && p.FiledAt < from) continue;
            if (query.FiledTo is { } to && p.FiledAt >= to) continue;
            if (query.DepartmentCode is { } dept && !p.Items.Any(i => string.Equals(i.Item.DepartmentCode, dept, StringComparison.OrdinalIgnoreCase))) continue;
            list.Add(summary);
        }
        return new Page<ProjectSummary>(list, page.ContinuationToken);
    }

    public async Task<IReadOnlyList<DepartmentItemView>> ListDepartmentItemsAsync(string departmentCode, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var result = new List<DepartmentItemView>();
        foreach (var p in await RunningProjectsAsync(ct))
        foreach (var i in p.Items.Where(i => ItemStates.IsOpen(i.State) && string.Equals(i.Item.DepartmentCode, departmentCode, StringComparison.OrdinalIgnoreCase)))
            result.Add(new DepartmentItemView(p.ProjectCode, p.ProjectName, ProjectViews.ToView(i, now, calc)));
        return result.OrderByDescending(r => r.Item.Light).ThenBy(r => r.Item.Due?.DueAtUtc ?? DateTimeOffset.MaxValue).ToList();
    }

    public async Task<SlaBoard> GetSlaBoardAsync(DateTimeOffset now, CancellationToken ct = default) =>
        SlaBoardBuilder.Build(await RunningProjectsAsync(ct), now, calc);

    public async Task<IReadOnlyList<EscalationView>> ListEscalationsAsync(bool openOnly = true, CancellationToken ct = default)
    {
        var result = new List<EscalationView>();
        string? token = null;
        do
        {
            var page = await client.QueryInstancesAsync(new OrchestrationQuery
            {
                Name = LifecycleOrchestrators.JointMeeting, PageSize = 500, ContinuationToken = token, FetchInputsAndOutputs = true,
                Statuses = openOnly ? [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending] : null,
            }, ct);
            foreach (var m in page.Instances)
            {
                var s = m.ReadCustomStatusAs<JointMeetingStatus>() ?? m.ReadOutputAs<JointMeetingStatus>();
                if (s is null || (openOnly && s.State != EscalationState.Open)) continue;
                result.Add(new EscalationView(s.ProjectCode, s.InstanceId, s.Sequence, s.Cause, s.ItemCodes, s.Departments, s.Level, s.State, s.OpenedAt, s.ConveneBy,
                    s.State == EscalationState.Resolved ? s.Resolution?.HeldAt : null, s.Resolution?.Resolution, s.MootAt, s.MootReason));
            }
            token = page.ContinuationToken;
        } while (token is not null);
        return result.OrderBy(e => e.State).ThenByDescending(e => e.Level).ThenBy(e => e.OpenedAt).ToList();
    }

    private async Task<List<ProjectStatus>> RunningProjectsAsync(CancellationToken ct)
    {
        var list = new List<ProjectStatus>();
        string? token = null;
        do
        {
            var page = await client.QueryInstancesAsync(new OrchestrationQuery
            {
                Name = LifecycleOrchestrators.Project, InstanceIdPrefix = InstanceIds.ProjectPrefix, PageSize = 500, ContinuationToken = token, FetchInputsAndOutputs = true,
                Statuses = [OrchestrationRuntimeStatus.Running],
            }, ct);
            list.AddRange(page.Instances.Select(ReadStatus).OfType<ProjectStatus>());
            token = page.ContinuationToken;
        } while (token is not null);
        return list;
    }

    private static ProjectStatus? ReadStatus(OrchestrationMetadata m)
    {
        if (m.Name != LifecycleOrchestrators.Project) return null;
        return m.ReadCustomStatusAs<ProjectStatus>();
    }
}
