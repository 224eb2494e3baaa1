using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.ReadModel;

/// <summary>
/// Re-creates the read model from the orchestrations (a lost table, a new column): for every project instance
/// (<c>project-</c> prefix), the inputs of its <see cref="LifecycleActivities.PublishProjectReadModel"/> calls in its history,
/// folded in version order, give the project's latest state; it is written as one update at the latest version, rewriting
/// rows stored at that version. The department index of a project is added at the rows' current keys: to rebuild
/// <c>DepartmentItems</c>, delete the table first (rows at other keys would otherwise stay).
/// </summary>
public sealed class ReadModelRebuilder(DurableTaskClient client, ReadModelWriter writer, DataConverter converter)
{
    /// <summary>Rebuilds every project; returns how many were written.</summary>
    public async Task<int> RebuildAsync(CancellationToken ct = default)
    {
        var n = 0;
        var query = new OrchestrationQuery { InstanceIdPrefix = InstanceIds.ProjectPrefix, PageSize = 500, FetchInputsAndOutputs = false };
        await foreach (var m in client.GetAllInstancesAsync(query).WithCancellation(ct))
        {
            if (m.Name != LifecycleOrchestrators.Project) continue;
            if (await RebuildProjectAsync(m.InstanceId, ct)) n++;
        }
        return n;
    }

    /// <summary>Rebuilds one project instance from its history; false when it has published nothing.</summary>
    public async Task<bool> RebuildProjectAsync(string instanceId, CancellationToken ct = default)
    {
        var history = await client.GetOrchestrationHistoryAsync(instanceId, ct);
        var updates = history.OfType<TaskScheduledEvent>().Where(e => e.Name == LifecycleActivities.PublishProjectReadModel && e.Input is not null)
            .Select(e => converter.Deserialize<ReadModelUpdate>(e.Input)!).OrderBy(u => u.Version).ToList();
        if (Fold(updates) is not { } full) return false;
        await writer.WriteAsync(full, rebuild: true, ct);
        return true;
    }

    /// <summary>The publishes of a project combined into one update: the latest of every slot and escalation, the whole timeline.</summary>
    public static ReadModelUpdate? Fold(IReadOnlyList<ReadModelUpdate> updates)
    {
        if (updates.Count == 0) return null;
        var last = updates[^1];
        var items = new Dictionary<string, ItemChange>();
        var escalations = new Dictionary<int, EscalationRecord>();
        var timeline = new SortedDictionary<int, TimelineEntry>();
        foreach (var u in updates)
        {
            foreach (var i in u.Items.Where(i => !i.IndexOnly)) items[i.Slot] = i with { PreviousDueKey = null };
            foreach (var e in u.Escalations) escalations[e.Sequence] = e;
            for (var k = 0; k < u.Timeline.Count; k++) timeline[u.TimelineStart + k] = u.Timeline[k];
        }
        return last with
        {
            Items = items.Values.OrderBy(i => i.Order).ToList(),
            Escalations = escalations.Values.OrderBy(e => e.Sequence).ToList(),
            TimelineStart = 0,
            Timeline = timeline.Values.ToList(),
        };
    }
}
