using Microsoft.AspNetCore.Mvc;
using Orchestrator.Api.Auth;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Api.Http.Sla;

/// <summary>GET /api/sla/board: the SLA board (红黄灯) now, on the service's clock. Any key.</summary>
public static class SlaApi
{
    public static IEndpointRouteBuilder MapSlaApi(this IEndpointRouteBuilder endpoints)
    {
        var sla = endpoints.MapGroup("/api/sla")
            .WithTags("SLA")
            .RequireAuthorization(ApiPolicies.Read);

        sla.MapGet("/board", GetBoardAsync)
            .WithName("GetSlaBoard")
            .WithSummary("Green, yellow and red clocks per department, what is due today and next working day, and what is overdue without escalation")
            .Produces<SlaBoard>();
        return endpoints;
    }

    internal static async Task<IResult> GetBoardAsync([FromServices] IProjectQueries queries, [FromServices] TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(await queries.GetSlaBoardAsync(time.GetUtcNow(), ct));
}
