using Microsoft.DurableTask.Client;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.ReadModel;

/// <summary>
/// Re-creates the read model from the orchestrations (a lost table, a new column). A running project is asked to publish
/// its whole state again (event <see cref="LifecycleEvents.RepublishReadModel"/>; it does so in its next episode, under a
/// new version, so the rebuild is asynchronous for running projects). An ended project is written from its output (the
/// full <see cref="ProjectStatus"/>) at the version of its last publish. Terminated or failed projects have neither and are
/// skipped. Rows are written at the projects' current keys: to rebuild the department index (<c>DepartmentItems{code}</c>), delete its rows first
/// (rows at keys the projects no longer use would otherwise stay).
/// </summary>
/// <remarks>
/// The history of the publish activity cannot serve: DTFx's Azure Storage history does not return activity inputs.
/// </remarks>
public sealed class ReadModelRebuilder(DurableTaskClient client, ReadModelWriter writer)
{
    /// <summary>Rebuilds every project; returns how many were asked to republish or written.</summary>
    public async Task<int> RebuildAsync(CancellationToken ct = default)
    {
        var n = 0;
        var query = new OrchestrationQuery { InstanceIdPrefix = InstanceIds.ProjectPrefix, PageSize = 500, FetchInputsAndOutputs = false };
        var ids = new List<(string Id, OrchestrationRuntimeStatus Status)>();
        await foreach (var m in client.GetAllInstancesAsync(query).WithCancellation(ct))
            if (m.Name == LifecycleOrchestrators.Project) ids.Add((m.InstanceId, m.RuntimeStatus));
        foreach (var (id, status) in ids)
        {
            if (status is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended)
            {
                await client.RaiseEventAsync(id, LifecycleEvents.RepublishReadModel, "rebuild", ct);
                n++;
            }
            else if (status == OrchestrationRuntimeStatus.Completed && await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct) is { } m
                     && m.ReadOutputAs<ProjectStatus>() is { } output)
            {
                var version = m.ReadCustomStatusAs<ProjectCustomStatus>()?.Version ?? 1;
                await writer.WriteAsync(FromFinal(output, version), rebuild: true, ct);
                n++;
            }
        }
        return n;
    }

    /// <summary>An ended project's whole state as one update (it has no open items: nothing in the department index).</summary>
    public static ReadModelUpdate FromFinal(ProjectStatus p, long version) => new(version, p with { Items = [], Timeline = [], Escalations = [] }, null, [], 0, [], 0,
        p.Items.Select((i, n) => new ItemChange(i.Purpose == ItemRoundPurpose.CommitmentVerification ? i.Item.Code + "|verify" : i.Item.Code, n, i, null, null, false)).ToList(),
        0, p.Timeline, p.Escalations);
}
