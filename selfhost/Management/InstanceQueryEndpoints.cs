using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Orchestrator.SelfHost.Management;

/// <summary>Instance status (with history) and the instance list, as Durable Functions' management API answers them.</summary>
internal static class InstanceQueryEndpoints
{
    public static RouteGroupBuilder MapInstanceQueryEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/instances/{instanceId}", GetStatusAsync).WithName("GetInstanceStatus");
        api.MapGet("/instances", QueryAsync).WithName("QueryInstances");
        return api;
    }

    private static async Task<IResult> GetStatusAsync(string instanceId, HttpRequest request, DurableTaskClient client, CancellationToken ct)
    {
        if (!QueryParameters.TryBool(request, "showHistory", false, out var showHistory, out var problem)
            || !QueryParameters.TryBool(request, "showHistoryOutput", false, out var showHistoryOutput, out problem)
            || !QueryParameters.TryBool(request, "showInput", true, out var showInput, out problem))
        {
            return problem!;
        }
        if (InstanceIdRules.Check(instanceId) is { } invalid) return invalid;

        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, ct);
        if (metadata is null) return Api.Problems.Problems.InstanceNotFound(instanceId);
        var history = showHistory ? await client.GetOrchestrationHistoryAsync(instanceId, ct) : null;
        var json = InstanceStatus.ToJson(metadata, showInput, history, showHistoryOutput);
        return InstanceGuard.IsEnded(metadata.RuntimeStatus)
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

        var query = new OrchestrationQuery
        {
            Statuses = statuses,
            CreatedFrom = from,
            CreatedTo = to,
            InstanceIdPrefix = NullIfEmpty(request.Query["instanceIdPrefix"].FirstOrDefault()),
            PageSize = top,
            ContinuationToken = token,
            FetchInputsAndOutputs = showInput,
        };
        Microsoft.DurableTask.Page<OrchestrationMetadata>? page;
        try
        {
            page = await InstancePages.FirstAsync(client, query, ct);
        }
        catch (Exception ex) when (token is not null && ex is not OperationCanceledException)
        {
            return Api.Problems.Problems.BadRequest("invalid-continuation-token", "Invalid continuation token",
                $"The {ManagementApi.ContinuationHeader} header is not a token this service issued ({ex.Message}). Send back the header value of the previous page unchanged, or omit it to start from the first page.",
                ManagementApi.ContinuationHeader);
        }

        if (page.ContinuationToken is not null) context.Response.Headers[ManagementApi.ContinuationHeader] = page.ContinuationToken;
        var items = new System.Text.Json.Nodes.JsonArray();
        foreach (var m in page.Values) items.Add(InstanceStatus.ToJson(m, showInput));
        return TypedResults.Json(items);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
