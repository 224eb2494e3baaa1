using Orchestrator.Durable;
using Orchestrator.Functions.Auth;

namespace Orchestrator.Functions.Management;

/// <summary>
/// POST instances/{id}/raiseEvent/{eventName}, /terminate, /suspend, /resume, /restart. 202 when accepted,
/// 404 for an unknown instance, 410 Gone when the instance has already ended (restart excepted: it exists for ended instances).
/// </summary>
internal static class InstanceCommandEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapInstanceCommandEndpoints(this RouteGroupBuilder api)
    {
        var commands = api.MapGroup("/instances/{instanceId}").RequireAuthorization(Policies.ManagementWrite);
        commands.MapPost("/raiseEvent/{eventName}", RaiseEventAsync).WithName("RaiseEvent");
        commands.MapPost("/terminate", TerminateAsync).WithName("TerminateInstance");
        commands.MapPost("/suspend", SuspendAsync).WithName("SuspendInstance");
        commands.MapPost("/resume", ResumeAsync).WithName("ResumeInstance");
        commands.MapPost("/restart", RestartAsync).WithName("RestartInstance");
        return api;
    }

    private static async Task<IResult> RaiseEventAsync(string instanceId, string eventName, HttpContext context, DurableTaskClient client, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(context.Request, ManagementApi.BodyLimit(context), "event payload", ct);
        if (body.Problem is not null) return body.Problem;
        var key = context.Request.Headers[IdempotencyKeyHeader].FirstOrDefault();
        if (key is { Length: > 200 })
        {
            return Problems.Problems.BadRequest("invalid-idempotency-key", "Idempotency key too long",
                $"The {IdempotencyKeyHeader} header has {key.Length} characters; use at most 200 (a GUID is typical).", IdempotencyKeyHeader);
        }
        await client.RaiseEventAsync(instanceId, eventName, body.Value,
            new RaiseEventOptions { IdempotencyKey = string.IsNullOrEmpty(key) ? null : key }, ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult> TerminateAsync(string instanceId, string? reason, DurableTaskClient client, CancellationToken ct)
    {
        await client.TerminateInstanceAsync(instanceId, reason, ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult> SuspendAsync(string instanceId, string? reason, DurableTaskClient client, CancellationToken ct)
    {
        await client.SuspendInstanceAsync(instanceId, reason, ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult> ResumeAsync(string instanceId, string? reason, DurableTaskClient client, CancellationToken ct)
    {
        await client.ResumeInstanceAsync(instanceId, reason, ct);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>202 with the management URIs of the restarted instance (a new id with ?restartWithNewInstanceId=true).</summary>
    private static async Task<IResult> RestartAsync(string instanceId, HttpContext context, DurableTaskClient client, CancellationToken ct)
    {
        if (!QueryParameters.TryBool(context.Request, "restartWithNewInstanceId", false, out var newId, out var problem)) return problem!;
        var id = await client.RestartInstanceAsync(instanceId, newId, ct);
        var payload = ManagementPayload.For(context, id);
        return TypedResults.Accepted(payload.StatusQueryGetUri, payload);
    }
}
