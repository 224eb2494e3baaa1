using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Auth;

namespace Orchestrator.SelfHost.Management;

/// <summary>Start an orchestration by name, optionally under a chosen instance id (202 with the management URIs).</summary>
internal static class StartEndpoints
{
    public static RouteGroupBuilder MapStartEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/orchestrators/{name}/{instanceId?}", StartAsync)
            .WithName("StartOrchestration")
            .RequireAuthorization(Policies.ManagementWrite);
        return api;
    }

    private static async Task<IResult> StartAsync(string name, string? instanceId, HttpContext context, DurableTaskClient client,
        IOptionsMonitor<DurableTaskRegistry> registries, CancellationToken ct)
    {
        // Refused before anything is stored: a bad id, an orchestrator this service does not have (DTFx would store the
        // instance and fail it later), malformed or oversized input. A taken id is 409 (OrchestrationAlreadyExistsException).
        if (InstanceIdRules.Check(instanceId) is { } invalid) return invalid;
        var known = registries.Get(Options.DefaultName).GetOrchestrators().Select(o => o.Key.Name).ToList();
        if (!known.Contains(name, StringComparer.Ordinal))
        {
            return Api.Problems.Problems.NotFound("unknown-orchestrator", "Unknown orchestrator",
                $"No orchestrator named '{name}' is registered in this service (registered: {string.Join(", ", known.Order())}). Check the name's spelling; the diagnostic orchestrations (HelloSequence, FanOutFanIn, ApprovalWithTimeout, EternalCounter) exist only where Diagnostics:Enabled is true.",
                "name");
        }
        var body = await JsonBody.ReadAsync(context.Request, ManagementApi.BodyLimit(context), "orchestration input", ct);
        if (body.Problem is not null) return body.Problem;

        var id = await client.ScheduleNewOrchestrationInstanceAsync(name, body.Value, new StartOrchestrationOptions(instanceId), ct);
        var payload = ManagementPayload.For(context, id);
        return TypedResults.Accepted(payload.StatusQueryGetUri, payload);
    }
}
