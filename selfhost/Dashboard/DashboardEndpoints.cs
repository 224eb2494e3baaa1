using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.DurableTask.Client;
using Orchestrator.Api.Auth;
using Orchestrator.SelfHost.Management;

namespace Orchestrator.SelfHost.Dashboard;

/// <summary>The dashboard's JSON under /dashboard/api (ops or viewer). Errors are problem+json.</summary>
internal static class DashboardEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/me", Me).WithName("DashboardMe");
        api.MapGet("/instances", ListInstancesAsync).WithName("DashboardInstances");
        api.MapGet("/instances/{instanceId}", GetInstanceAsync).WithName("DashboardInstance");
        api.MapGet("/sla", GetSlaBoardAsync).WithName("DashboardSlaBoard");
        api.MapGet("/escalations", ListEscalationsAsync).WithName("DashboardEscalations");
        api.MapGet("/schedules", GetSchedulesAsync).WithName("DashboardSchedules");
    }

    private static DashboardUser Me(ClaimsPrincipal user)
    {
        var role = user.FindFirstValue(ClaimTypes.Role) ?? "";
        return new DashboardUser(user.Identity?.Name ?? "", role, role == Roles.Ops);
    }

    /// <summary>?status=Running,Failed &amp;name= &amp;version= ("-": unversioned; name and version filter within the page) &amp;prefix= &amp;from= &amp;to= &amp;top= &amp;token= (the previous page's continuationToken).</summary>
    private static async Task<IResult> ListInstancesAsync(HttpRequest request, DashboardQueries queries, IOptions<ManagementOptions> management, CancellationToken ct)
    {
        if (!QueryParameters.TryStatuses(request, "status", out var statuses, out var problem)
            || !QueryParameters.TryTime(request, "from", out var from, out problem)
            || !QueryParameters.TryTime(request, "to", out var to, out problem)
            || !QueryParameters.TryTop(request, Math.Min(20, management.Value.MaxPageSize), management.Value.MaxPageSize, out var top, out problem))
        {
            return problem!;
        }
        var token = NullIfEmpty(request.Query["token"].FirstOrDefault());
        try
        {
            return TypedResults.Ok(await queries.ListInstancesAsync(new OrchestrationQuery
            {
                Statuses = statuses,
                InstanceIdPrefix = NullIfEmpty(request.Query["prefix"].FirstOrDefault()?.Trim()),
                CreatedFrom = from,
                CreatedTo = to,
                PageSize = top,
                ContinuationToken = token,
            }, NullIfEmpty(request.Query["name"].FirstOrDefault()?.Trim()), ct, NullIfEmpty(request.Query["version"].FirstOrDefault()?.Trim())));
        }
        catch (Exception ex) when (token is not null && ex is not OperationCanceledException)
        {
            return Api.Problems.Problems.BadRequest("invalid-continuation-token", "Invalid continuation token",
                $"The token parameter is not a token this service issued ({ex.Message}). Start again from the first page.", "token");
        }
    }

    private static async Task<IResult> GetInstanceAsync(string instanceId, DashboardQueries queries, CancellationToken ct)
    {
        var detail = await queries.GetInstanceAsync(instanceId, ct);
        return detail is null ? Api.Problems.Problems.InstanceNotFound(instanceId) : TypedResults.Ok(detail);
    }

    private static async Task<IResult> GetSlaBoardAsync(DashboardQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.GetSlaBoardAsync(ct));

    private static async Task<IResult> ListEscalationsAsync(HttpRequest request, DashboardQueries queries, CancellationToken ct)
    {
        if (!QueryParameters.TryBool(request, "all", false, out var all, out var problem)) return problem!;
        return TypedResults.Ok(await queries.ListEscalationsAsync(!all, ct));
    }

    private static async Task<IResult> GetSchedulesAsync(DashboardQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.GetSchedulesAsync(ct));

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
