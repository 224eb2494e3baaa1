using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Api.Http.Api;

/// <summary>
/// Field errors collected while reading a request, answered as one problem+json (400, type
/// urn:orchestrator:problem:validation) whose <c>errors</c> map each field (JSON name or path such as
/// <c>tolerance[0].itemCode</c>, a route or query parameter, or a header) to its messages; <c>field</c> names the first.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        if (!list.Contains(message)) list.Add(message);
        return this;
    }

    public FieldErrors AddRange(IEnumerable<FieldError> errors)
    {
        foreach (var e in errors) Add(e.Field, e.Message);
        return this;
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);

    public IResult ToProblem(string? detail = null) => ApiProblems.Validation(ToDictionary(), detail);
}

/// <summary>The problems of the /api routes (types listed in README.md).</summary>
public static class ApiProblems
{
    public static IResult Validation(IReadOnlyDictionary<string, string[]> errors, string? detail = null)
    {
        var first = errors.Keys.FirstOrDefault();
        var problem = new HttpValidationProblemDetails(errors.ToDictionary(kv => kv.Key, kv => kv.Value))
        {
            Type = Problems.Problems.TypePrefix + "validation",
            Title = "Invalid request",
            Status = StatusCodes.Status400BadRequest,
            Detail = detail ?? "The request has invalid fields; 'errors' names each field with what is wrong. Nothing was stored.",
        };
        if (first is not null) problem.Extensions["field"] = first;
        return TypedResults.Problem(problem);
    }

    public static IResult Field(string field, string message, string? detail = null) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] }, detail ?? $"{field}: {message}");

    public static IResult PayloadTooLarge(long limit) =>
        Problems.Problems.Result(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Payload too large",
            $"The request body is larger than the {limit} bytes this API accepts (setting Api:MaxRequestBodyBytes). Nothing was stored. Send a smaller body, for example references to documents instead of the documents.");

    public static IResult MalformedJson(string message) =>
        Problems.Problems.BadRequest("invalid-json", "Malformed JSON",
            $"The request body is not valid JSON: {message} Send a JSON object with Content-Type: application/json. Nothing was stored.", "body");

    public static IResult ProjectNotFound(string projectCode) =>
        Problems.Problems.NotFound("project-not-found", "Project not found",
            $"No project with the code '{projectCode}' has been filed. File it with POST /api/projects, or list projects with GET /api/projects.", "projectCode");

    public static IResult ItemNotFound(string projectCode, string itemCode, string? why = null) =>
        Problems.Problems.NotFound("item-not-found", "Item not found",
            why ?? $"The project '{projectCode}' has no item '{itemCode}' in its approval map. GET /api/projects/{projectCode}/plan lists its items.", "itemCode");
}
