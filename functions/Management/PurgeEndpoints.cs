using Orchestrator.Durable;
using Orchestrator.Functions.Auth;

namespace Orchestrator.Functions.Management;

/// <summary>DELETE instances/{id} and DELETE instances?createdTimeFrom&amp;createdTimeTo&amp;runtimeStatus: purge history.</summary>
internal static class PurgeEndpoints
{
    public sealed record PurgeResponse(int InstancesDeleted);

    public static RouteGroupBuilder MapPurgeEndpoints(this RouteGroupBuilder api)
    {
        api.MapDelete("/instances/{instanceId}", PurgeOneAsync).WithName("PurgeInstance").RequireAuthorization(Policies.ManagementWrite);
        api.MapDelete("/instances", PurgeManyAsync).WithName("PurgeInstances").RequireAuthorization(Policies.ManagementWrite);
        return api;
    }

    /// <summary>200 {instancesDeleted: 1}; 404 when there is no such instance; 409 while it has not ended.</summary>
    private static async Task<IResult> PurgeOneAsync(string instanceId, DurableTaskClient client, CancellationToken ct)
    {
        PurgeResult result;
        try
        {
            result = await client.PurgeInstanceAsync(instanceId, ct);
        }
        catch (InvalidOperationException ex) when (ex.GetType() == typeof(InvalidOperationException))
        {
            return Problems.Problems.Result(StatusCodes.Status409Conflict, "instance-not-ended", "Instance has not ended",
                $"{ex.Message} Only Completed, Failed or Terminated instances can be purged: terminate it first (POST .../instances/{{id}}/terminate).",
                "instanceId");
        }
        return result.PurgedInstanceCount == 0
            ? Problems.Problems.InstanceNotFound(instanceId)
            : TypedResults.Ok(new PurgeResponse(result.PurgedInstanceCount));
    }

    /// <summary>
    /// Purges ended instances created in [createdTimeFrom, createdTimeTo) with the given statuses (default: every ended status).
    /// createdTimeFrom is required, as in Durable Functions, so that a bare DELETE cannot wipe the hub. 404 when none matched.
    /// </summary>
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
            return Problems.Problems.BadRequest("missing-query-parameter", "createdTimeFrom required",
                "Purging by filter needs createdTimeFrom (ISO 8601, e.g. 2026-01-01T00:00:00Z); use 0001-01-01T00:00:00Z to mean from the beginning. createdTimeTo and runtimeStatus (Completed, Failed, Terminated) narrow it further.",
                "createdTimeFrom");
        }
        var result = await client.PurgeInstancesAsync(new PurgeInstancesFilter { CreatedFrom = from, CreatedTo = to, Statuses = statuses }, ct);
        return result.PurgedInstanceCount == 0
            ? Problems.Problems.NotFound("no-instances-matched", "No instances matched",
                "No ended instance matches the filter, so nothing was purged. Running, pending and suspended instances are never purged by filter.")
            : TypedResults.Ok(new PurgeResponse(result.PurgedInstanceCount));
    }
}
