using Microsoft.AspNetCore.Mvc;

namespace Orchestrator.Api.Problems;

/// <summary>
/// Every error the service answers is application/problem+json (RFC 9457): type, title, status, detail, and
/// where a single input is at fault, "field" naming it. Types are stable URNs listed in README.md.
/// </summary>
public static class Problems
{
    public const string TypePrefix = "urn:orchestrator:problem:";

    public static ProblemDetails Create(int status, string slug, string title, string detail, string? field = null)
    {
        var problem = new ProblemDetails { Type = TypePrefix + slug, Title = title, Status = status, Detail = detail };
        if (field is not null) problem.Extensions["field"] = field;
        return problem;
    }

    public static IResult Result(int status, string slug, string title, string detail, string? field = null) =>
        TypedResults.Problem(Create(status, slug, title, detail, field));

    public static IResult BadRequest(string slug, string title, string detail, string? field = null) =>
        Result(StatusCodes.Status400BadRequest, slug, title, detail, field);

    public static IResult NotFound(string slug, string title, string detail, string? field = null) =>
        Result(StatusCodes.Status404NotFound, slug, title, detail, field);

    public static IResult InstanceNotFound(string instanceId) =>
        NotFound("instance-not-found", "Instance not found",
            $"No orchestration instance has the id '{instanceId}'. Check the id (ids are case-sensitive), or list instances with GET /runtime/webhooks/durabletask/instances.",
            "instanceId");

    public static IResult InstanceEnded(string instanceId, object status) =>
        Result(StatusCodes.Status410Gone, "instance-ended", "Instance has ended",
            $"The instance '{instanceId}' is {status} and no longer accepts this request. Restart it (POST .../instances/{{id}}/restart) or start a new instance.",
            "instanceId");

    public static IResult PayloadTooLarge(long limit, string? what = null) =>
        Result(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Payload too large",
            $"The {what ?? "request body"} is larger than the {limit} bytes this service accepts (setting Management:MaxRequestBodyBytes). Send a smaller payload, for example a reference to a document instead of the document itself.");

    /// <summary>Writes a problem outside an endpoint (authentication, middleware).</summary>
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        var service = context.RequestServices.GetService<IProblemDetailsService>();
        if (service is null || !await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
        }
    }
}
