using Microsoft.DurableTask.Client;
using Orchestrator.Api.Auth;
using Orchestrator.Api.Http.Api;

namespace Orchestrator.SelfHost.Management;

/// <summary>Raise event, terminate, suspend, resume and restart (Durable Functions' instance commands).</summary>
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

    /// <remarks>
    /// A retried POST with the same <c>Idempotency-Key</c> is answered 202 with <c>Idempotent-Replayed: true</c> and not raised
    /// again (the process's idempotency ledger). Lifecycle events also carry their key in the payload, which the receiving
    /// orchestrator applies once, durably; a diagnostic or custom orchestrator receives the payload as sent.
    /// </remarks>
    private static async Task<IResult> RaiseEventAsync(string instanceId, string eventName, HttpContext context, DurableTaskClient client, IdempotencyLedger ledger, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(context.Request, ManagementApi.BodyLimit(context), "event payload", ct);
        if (body.Problem is not null) return body.Problem;
        var key = context.Request.Headers[IdempotencyKeyHeader].FirstOrDefault();
        if (key is { Length: > 200 })
        {
            return Api.Problems.Problems.BadRequest("invalid-idempotency-key", "Idempotency key too long",
                $"The {IdempotencyKeyHeader} header has {key.Length} characters; use at most 200 (a GUID is typical).", IdempotencyKeyHeader);
        }
        var (_, problem) = await InstanceGuard.RunningAsync(client, instanceId, ct);
        if (problem is not null) return problem;
        if (!string.IsNullOrEmpty(key) && ledger.IsReplay($"raise:{instanceId}:{eventName}", key))
        {
            context.Response.Headers[Callers.ReplayedHeader] = "true";
            return TypedResults.Accepted((string?)null);
        }
        await client.RaiseEventAsync(instanceId, eventName, body.Value, ct);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>Terminates the instance and, recursively, its running sub-orchestrations (DTFx alone would leave them running).</summary>
    private static async Task<IResult> TerminateAsync(string instanceId, string? reason, DurableTaskClient client, CancellationToken ct)
    {
        var (_, problem) = await InstanceGuard.RunningAsync(client, instanceId, ct);
        if (problem is not null) return problem;
        await client.TerminateInstanceAsync(instanceId, new TerminateInstanceOptions(reason, Recursive: true), ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult> SuspendAsync(string instanceId, string? reason, DurableTaskClient client, CancellationToken ct)
    {
        var (_, problem) = await InstanceGuard.RunningAsync(client, instanceId, ct);
        if (problem is not null) return problem;
        await client.SuspendInstanceAsync(instanceId, reason, ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult> ResumeAsync(string instanceId, string? reason, DurableTaskClient client, CancellationToken ct)
    {
        var (_, problem) = await InstanceGuard.RunningAsync(client, instanceId, ct);
        if (problem is not null) return problem;
        await client.ResumeInstanceAsync(instanceId, reason, ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult> RestartAsync(string instanceId, HttpContext context, DurableTaskClient client, CancellationToken ct)
    {
        if (!QueryParameters.TryBool(context.Request, "restartWithNewInstanceId", false, out var newId, out var problem)) return problem!;
        if (InstanceIdRules.Check(instanceId) is { } invalid) return invalid;
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, ct) is null) return Api.Problems.Problems.InstanceNotFound(instanceId);
        var id = await client.RestartAsync(instanceId, newId, ct); // same id while active: OrchestrationAlreadyExistsException → 409
        var payload = ManagementPayload.For(context, id);
        return TypedResults.Accepted(payload.StatusQueryGetUri, payload);
    }
}
