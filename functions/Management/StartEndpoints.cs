using Orchestrator.Durable;
using Orchestrator.Functions.Auth;

namespace Orchestrator.Functions.Management;

/// <summary>POST orchestrators/{name}[/{instanceId}]: start an instance; the body is its input.</summary>
internal static class StartEndpoints
{
    public static RouteGroupBuilder MapStartEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/orchestrators/{name}/{instanceId?}", StartAsync)
            .WithName("StartOrchestration")
            .RequireAuthorization(Policies.ManagementWrite);
        return api;
    }

    private static async Task<IResult> StartAsync(string name, string? instanceId, HttpContext context, DurableTaskClient client, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(context.Request, ManagementApi.BodyLimit(context), "orchestration input", ct);
        if (body.Problem is not null) return body.Problem;

        // Unknown names, bad or taken ids and oversized input are refused by the client before anything is stored;
        // the exception handler turns them into 404 / 400 / 409 / 413 problems.
        var id = await client.ScheduleNewOrchestrationInstanceAsync(name, body.Value,
            new StartOrchestrationOptions { InstanceId = instanceId }, ct);
        var payload = ManagementPayload.For(context, id);
        return TypedResults.Accepted(payload.StatusQueryGetUri, payload);
    }
}
