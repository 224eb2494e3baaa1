using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using DurableTask.Core.Exceptions;

namespace Orchestrator.Api.Problems;

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
        OrchestrationAlreadyExistsException e => Problems.Create(StatusCodes.Status409Conflict, "instance-exists", "Instance already exists",
            $"{e.Message} Wait for it to end, terminate it, or choose another instance id (or none, to get a generated one).", "instanceId"),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problems.Create(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Payload too large",
            "The request body is larger than this service accepts (setting Management:MaxRequestBodyBytes). Send a smaller payload."),
        BadHttpRequestException e => Problems.Create(e.StatusCode, "bad-request", "Bad request", e.Message),
        JsonException e => Problems.Create(StatusCodes.Status400BadRequest, "invalid-json", "Malformed JSON",
            $"The request body is not valid JSON: {e.Message}", "body"),
        _ => null,
    };
}
