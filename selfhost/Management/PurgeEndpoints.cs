using Microsoft.DurableTask.Client;
using Orchestrator.Api.Auth;

namespace Orchestrator.SelfHost.Management;

/// <summary>Purge one ended instance, or every ended instance a filter matches (Durable Functions' purge routes).</summary>
internal static class PurgeEndpoints
{
    public sealed record PurgeResponse(int InstancesDeleted);

    private static readonly OrchestrationRuntimeStatus[] Ended =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    public static RouteGroupBuilder MapPurgeEndpoints(this RouteGroupBuilder api)
    {
        api.MapDelete("/instances/{instanceId}", PurgeOneAsync).WithName("PurgeInstance").RequireAuthorization(Policies.ManagementWrite);
        api.MapDelete("/instances", PurgeManyAsync).WithName("PurgeInstances").RequireAuthorization(Policies.ManagementWrite);
        return api;
    }

    private static async Task<IResult> PurgeOneAsync(string instanceId, DurableTaskClient client, CancellationToken ct)
    {
        if (InstanceIdRules.Check(instanceId) is { } invalid) return invalid;
        var m = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, ct);
        if (m is null) return Api.Problems.Problems.InstanceNotFound(instanceId);
        if (!InstanceGuard.IsEnded(m.RuntimeStatus))
        {
            return Api.Problems.Problems.Result(StatusCodes.Status409Conflict, "instance-not-ended", "Instance has not ended",
                $"The instance '{instanceId}' is {m.RuntimeStatus}. Only Completed, Failed or Terminated instances can be purged: terminate it first (POST .../instances/{{id}}/terminate).",
                "instanceId");
        }
        var result = await client.PurgeInstanceAsync(instanceId, ct);
        return result.PurgedInstanceCount == 0
            ? Api.Problems.Problems.InstanceNotFound(instanceId)
            : TypedResults.Ok(new PurgeResponse(result.PurgedInstanceCount));
    }

    private static async Task<IResult> PurgeManyAsync(HttpRequest request, DurableTaskClient client, CancellationToken ct)
    {
        if (!QueryParameters.TryTime(request, "createdTimeFrom", out var from, out var problem)
            || !QueryParameters.TryTime(request, "createdTimeTo", out var to, out problem)
            || !QueryParameters.TryStatuses(request, "runtimeStatus", out var statuses, out problem))
        {
            return problem!;
        }
        if (from is null)
        {
            return Api.Problems.Problems.BadRequest("missing-query-parameter", "createdTimeFrom required",
                "Purging by filter needs createdTimeFrom (ISO 8601, e.g. 2026-01-01T00:00:00Z); use 0001-01-01T00:00:00Z to mean from the beginning. createdTimeTo and runtimeStatus (Completed, Failed, Terminated) narrow it further.",
                "createdTimeFrom");
        }
        // Only ended instances are purged: DTFx would purge a running one's history if asked.
        var ended = (statuses ?? Ended).Where(s => InstanceGuard.IsEnded(s)).ToList();
        var result = ended.Count == 0 ? new PurgeResult(0)
            : await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(from, to, ended), ct);
        return result.PurgedInstanceCount == 0
            ? Api.Problems.Problems.NotFound("no-instances-matched", "No instances matched",
                "No ended instance matches the filter, so nothing was purged. Running, pending and suspended instances are never purged by filter.")
            : TypedResults.Ok(new PurgeResponse(result.PurgedInstanceCount));
    }
}
