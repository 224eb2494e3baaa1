using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Orchestrator.Durable;

namespace Orchestrator.Functions.Problems;

/// <summary>
/// Turns the engine's refusals into problem+json with the status Durable Functions users expect. The engine
/// refuses before it stores anything, so a refused request leaves no trace.
/// </summary>
internal sealed class EngineExceptionHandler(IProblemDetailsService problems, ILogger<EngineExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = 499; // the client went away; nobody reads an answer
            return true;
        }

        var problem = Map(exception);
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            problem = Problems.Create(StatusCodes.Status500InternalServerError, "internal-error", "Internal error",
                "The service failed to handle this request. Retry it; if it fails again, report the traceId to operations (it identifies the error in the service's logs).");
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    internal static ProblemDetails? Map(Exception exception) => exception switch
    {
        OrchestrationNotFoundException e => Problems.Create(StatusCodes.Status404NotFound, "instance-not-found", "Instance not found",
            $"No orchestration instance has the id '{e.InstanceId}' (never started, or purged). Check the id (ids are case-sensitive), or list instances with GET /runtime/webhooks/durabletask/instances.", "instanceId"),
        OrchestrationNotRunningException e => Problems.Create(StatusCodes.Status410Gone, "instance-ended", "Instance has ended",
            $"The instance '{e.InstanceId}' is {e.Status} and no longer accepts this request. Restart it (POST .../instances/{{id}}/restart) or start a new instance.", "instanceId"),
        OrchestrationAlreadyExistsException e => Problems.Create(StatusCodes.Status409Conflict, "instance-exists", "Instance already exists",
            $"An instance with the id '{e.InstanceId}' already exists and is {e.Status}. Wait for it to end, terminate it, or choose another instance id (or none, to get a generated one).", "instanceId"),
        InvalidInstanceIdException e => Problems.Create(StatusCodes.Status400BadRequest, "invalid-instance-id", "Invalid instance id",
            e.Message, "instanceId"),
        UnknownOrchestratorException e => Problems.Create(StatusCodes.Status404NotFound, "unknown-orchestrator", "Unknown orchestrator",
            e.Version is null
                ? $"No orchestrator named '{e.Name}' is registered in this service. Check the name's spelling; the diagnostic orchestrations (HelloSequence, FanOutFanIn, ApprovalWithTimeout, EternalCounter) exist only where Diagnostics:Enabled is true."
                : $"No orchestrator named '{e.Name}' with version '{e.Version}' is registered in this service. Omit the version to use the newest.",
            "name"),
        PayloadTooLargeException e => Problems.Create(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Payload too large",
            e.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problems.Create(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Payload too large",
            "The request body is larger than this service accepts (setting Management:MaxRequestBodyBytes). Send a smaller payload."),
        BadHttpRequestException e => Problems.Create(e.StatusCode, "bad-request", "Bad request", e.Message),
        JsonException e => Problems.Create(StatusCodes.Status400BadRequest, "invalid-json", "Malformed JSON",
            $"The request body is not valid JSON: {e.Message}", "body"),
        _ => null,
    };
}
