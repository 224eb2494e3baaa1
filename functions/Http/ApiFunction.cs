using Microsoft.DurableTask.Client;
using Orchestrator.Api.Auth;
using Orchestrator.Api.Problems;
using Orchestrator.Functions.Durable;

namespace Orchestrator.Functions.Http;

/// <summary>
/// What every HTTP trigger does around the shared handler (api/), so the triggers stay a few lines: the function's
/// services as the request's, the route values the policies read, the trigger's <c>[DurableClient]</c> bound for the
/// call, the same API-key policies as the self-host's endpoint (401/403 problem+json), and engine refusals
/// (e.g. instance exists, malformed JSON) as the self-host's exception handler answers them.
/// </summary>
internal static class ApiFunction
{
    public static async Task<IResult> RunAsync(HttpRequest request, FunctionContext function, DurableTaskClient? client,
        string[] policies, Func<HttpContext, IServiceProvider, CancellationToken, Task<IResult>> handler,
        params (string Name, string Value)[] routeValues)
    {
        var context = request.HttpContext;
        context.RequestServices = function.InstanceServices;
        foreach (var (name, value) in routeValues) context.Request.RouteValues[name] = value;
        var logger = function.GetLogger("Orchestrator.Functions.Http");
        using var bound = client is null ? null : BoundDurableTaskClient.Use(client);

        if (policies.Length > 0 && !await ApiAuthorization.AuthorizeAsync(context, policies))
        {
            logger.LogInformation("{Function}: {Method} {Path} refused ({Status})", function.FunctionDefinition?.Name, request.Method, request.Path, context.Response.StatusCode);
            return Results.Empty; // the refusal is written
        }
        var ct = context.RequestAborted.CanBeCanceled ? context.RequestAborted : function.CancellationToken;
        try
        {
            return await handler(context, function.InstanceServices, ct);
        }
        catch (Exception ex) when (EngineExceptionHandler.Map(ex) is { } problem)
        {
            logger.LogInformation("{Function}: {Method} {Path} refused by the engine: {Message}", function.FunctionDefinition?.Name, request.Method, request.Path, ex.Message);
            return TypedResults.Problem(problem);
        }
    }
}
