using Microsoft.Extensions.Options;
using Orchestrator.Durable;

namespace Orchestrator.Functions.Management;

/// <summary>GET instances/{id} (status, optionally with history) and GET instances (paged query).</summary>
internal static class InstanceQueryEndpoints
{
    public static RouteGroupBuilder MapInstanceQueryEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/instances/{instanceId}", GetStatusAsync).WithName("GetInstanceStatus");
        api.MapGet("/instances", QueryAsync).WithName("QueryInstances");
        return api;
    }

    /// <summary>202 while the instance is pending, running or suspended; 200 once it has ended; 404 when unknown.</summary>
    private static async Task<IResult> GetStatusAsync(string instanceId, HttpRequest request, DurableTaskClient client, CancellationToken ct)
    {
        if (!QueryParameters.TryBool(request, "showHistory", false, out var showHistory, out var problem)
            || !QueryParameters.TryBool(request, "showHistoryOutput", false, out var showHistoryOutput, out problem)
            || !QueryParameters.TryBool(request, "showInput", true, out var showInput, out problem))
        {
            return problem!;
        }

        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, ct);
        if (metadata is null) return Problems.Problems.InstanceNotFound(instanceId);
        var history = showHistory ? await client.GetHistoryAsync(instanceId, ct) : null;
        var json = InstanceStatus.ToJson(metadata, showInput, history, showHistoryOutput);
        return metadata.IsCompleted
            ? TypedResults.Json(json, statusCode: StatusCodes.Status200OK)
            : TypedResults.Json(json, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> QueryAsync(HttpContext context, DurableTaskClient client, IOptions<ManagementOptions> options, CancellationToken ct)
    {
        var request = context.Request;
        if (!QueryParameters.TryStatuses(request, "runtimeStatus", out var statuses, out var problem)
            || !QueryParameters.TryTime(request, "createdTimeFrom", out var from, out problem)
            || !QueryParameters.TryTime(request, "createdTimeTo", out var to, out problem)
            || !QueryParameters.TryTop(request, options.Value.DefaultPageSize, options.Value.MaxPageSize, out var top, out problem)
            || !QueryParameters.TryBool(request, "showInput", false, out var showInput, out problem))
        {
            return problem!;
        }
        var token = request.Headers[ManagementApi.ContinuationHeader].FirstOrDefault();
        if (string.IsNullOrEmpty(token)) token = null;

        OrchestrationQueryResult result;
        try
        {
            result = await client.QueryInstancesAsync(new OrchestrationQuery
            {
                Statuses = statuses,
                CreatedFrom = from,
                CreatedTo = to,
                InstanceIdPrefix = NullIfEmpty(request.Query["instanceIdPrefix"].FirstOrDefault()),
                PageSize = top,
                ContinuationToken = token,
                FetchInputsAndOutputs = showInput,
            }, ct);
        }
        catch (Exception ex) when (token is not null && ex is ArgumentException or FormatException)
        {
            return Problems.Problems.BadRequest("invalid-continuation-token", "Invalid continuation token",
                $"The {ManagementApi.ContinuationHeader} header is not a token this service issued ({ex.Message}). Send back the header value of the previous page unchanged, or omit it to start from the first page.",
                ManagementApi.ContinuationHeader);
        }

        if (result.ContinuationToken is not null) context.Response.Headers[ManagementApi.ContinuationHeader] = result.ContinuationToken;
        var items = new System.Text.Json.Nodes.JsonArray();
        foreach (var m in result.Instances) items.Add(InstanceStatus.ToJson(m, showInput));
        return TypedResults.Json(items);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
