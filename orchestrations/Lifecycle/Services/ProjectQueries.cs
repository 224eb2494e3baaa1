using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Plan;
using Orchestrator.Orchestrations.Sla;

namespace Orchestrator.Orchestrations.Lifecycle.Services;

/// <summary>
/// <see cref="IProjectQueries"/> on the engine's instance store: one instance read per project (its custom status is the
/// read model), lists by querying project instances (id prefix <c>project-</c>: the engine cannot query by orchestrator
/// name, so each kind of instance has its own prefix), the approval map from the project's history (the BuildApprovalPlan activity result), escalations from
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
        var id = InstanceIds.Project(projectCode);
        if (await client.GetInstanceAsync(id, ct) is null) return null;
        var history = await client.GetOrchestrationHistoryAsync(id, ct);
        var scheduled = history.OfType<TaskScheduledEvent>().FirstOrDefault(h => h.Name == LifecycleActivities.BuildApprovalPlan);
        if (scheduled is null) return null;
        var completed = history.OfType<TaskCompletedEvent>().FirstOrDefault(h => h.TaskScheduledId == scheduled.EventId);
        return completed?.Result is { } json ? System.Text.Json.JsonSerializer.Deserialize<ApprovalPlan>(json, DomainJson.Wire) : null;
    }

    public async Task<Page<ProjectSummary>> ListProjectsAsync(ProjectListQuery query, CancellationToken ct = default)
    {
        // Filing times are domain time and creation times real time (they differ on a fast demo clock): filter on the former.
        var page = await FirstPageAsync(new OrchestrationQuery
        {
            InstanceIdPrefix = InstanceIds.ProjectPrefix,
            PageSize = Math.Clamp(query.PageSize, 1, 500),
            FetchInputsAndOutputs = false,
            ContinuationToken = query.ContinuationToken,
        }, ct);
        var now = time.GetUtcNow();
        var list = new List<ProjectSummary>();
        foreach (var m in page.Values)
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
        {
            var query = new OrchestrationQuery
            {
                InstanceIdPrefix = InstanceIds.MeetingPrefix, PageSize = 500, FetchInputsAndOutputs = true,
                Statuses = openOnly ? [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending] : null,
            };
            await foreach (var m in client.GetAllInstancesAsync(query).WithCancellation(ct))
            {
                var s = m.ReadCustomStatusAs<JointMeetingStatus>() ?? m.ReadOutputAs<JointMeetingStatus>();
                if (s is null || (openOnly && s.State != EscalationState.Open)) continue;
                result.Add(new EscalationView(s.ProjectCode, s.InstanceId, s.Sequence, s.Cause, s.ItemCodes, s.Departments, s.Level, s.State, s.OpenedAt, s.ConveneBy,
                    s.State == EscalationState.Resolved ? s.Resolution?.HeldAt : null, s.Resolution?.Resolution, s.MootAt, s.MootReason));
            }
        }
        return result.OrderBy(e => e.State).ThenByDescending(e => e.Level).ThenBy(e => e.OpenedAt).ToList();
    }

    private async Task<List<ProjectStatus>> RunningProjectsAsync(CancellationToken ct)
    {
        var list = new List<ProjectStatus>();
        var query = new OrchestrationQuery
        {
            InstanceIdPrefix = InstanceIds.ProjectPrefix, PageSize = 500, FetchInputsAndOutputs = false,
            Statuses = [OrchestrationRuntimeStatus.Running],
        };
        await foreach (var m in client.GetAllInstancesAsync(query).WithCancellation(ct))
            if (ReadStatus(m) is { } p) list.Add(p);
        return list;
    }

    private async Task<Microsoft.DurableTask.Page<OrchestrationMetadata>> FirstPageAsync(OrchestrationQuery query, CancellationToken ct)
    {
        await foreach (var page in client.GetAllInstancesAsync(query).AsPages(query.ContinuationToken, query.PageSize).WithCancellation(ct))
            return page;
        return new Microsoft.DurableTask.Page<OrchestrationMetadata>([], null);
    }

    private static ProjectStatus? ReadStatus(OrchestrationMetadata m)
    {
        if (m.Name != LifecycleOrchestrators.Project) return null;
        return ProjectStatusWire.Read(m);
    }
}
