using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Api.Http.Api;

/// <summary>
/// What a command route answers when the command is accepted (202), built from the request alone so that a retry
/// with the same Idempotency-Key gets the very same body (with the header Idempotent-Replayed: true).
/// </summary>
/// <param name="Command">decision, materials, land-rights-obtained, material-change or construction-finished.</param>
/// <param name="ProjectCode">The project.</param>
/// <param name="ItemCode">The item, for item commands.</param>
/// <param name="DepartmentCode">The department, for decisions.</param>
/// <param name="Kind">The decision kind, for decisions.</param>
/// <param name="IdempotencyKey">The key the command was applied under (the header's, or one made for the request).</param>
/// <param name="RecordedBy">Who, from the API key.</param>
/// <param name="ProjectUri">Where to read the project (the orchestration applies the command within moments).</param>
public sealed record CommandAccepted(
    string Command,
    string ProjectCode,
    string? ItemCode,
    string? DepartmentCode,
    DecisionKind? Kind,
    string IdempotencyKey,
    Actor RecordedBy,
    string ProjectUri);

/// <summary>Maps the lifecycle's <see cref="CommandResult"/> to HTTP (problem+json for every refusal).</summary>
public static class CommandResultMapping
{
    public static async Task<IResult> ToHttpAsync(HttpContext context, CommandResult result, CommandAccepted accepted,
        IProjectQueries queries, CancellationToken ct)
    {
        switch (result.Outcome)
        {
            case CommandOutcome.Applied or CommandOutcome.Duplicate:
            {
                var target = $"{accepted.Command}|{accepted.ProjectCode}|{accepted.ItemCode}";
                var seen = context.RequestServices.GetRequiredService<IdempotencyLedger>().IsReplay(target, accepted.IdempotencyKey);
                if (result.Outcome == CommandOutcome.Duplicate || seen) context.Response.Headers[Callers.ReplayedHeader] = "true";
                return TypedResults.Accepted(accepted.ProjectUri, accepted);
            }
            case CommandOutcome.NotFound:
                if (accepted.ItemCode is null || await queries.GetProjectAsync(accepted.ProjectCode, ct) is null)
                    return ApiProblems.ProjectNotFound(accepted.ProjectCode);
                return ApiProblems.ItemNotFound(accepted.ProjectCode, accepted.ItemCode,
                    string.IsNullOrWhiteSpace(result.Message) ? null : result.Message);
            case CommandOutcome.NotYourDepartment:
            {
                var problem = Problems.Problems.Create(StatusCodes.Status403Forbidden, "not-your-department", "Item of another department",
                    $"{Sentence(result.Message)}The item '{accepted.ItemCode}' of project '{accepted.ProjectCode}' is handled by another department; a department records decisions on its own items only. Nothing was recorded.",
                    "itemCode");
                return TypedResults.Problem(problem);
            }
            case CommandOutcome.NotOpen:
            {
                var what = accepted.ItemCode is null ? "project" : "item";
                var problem = Problems.Problems.Create(StatusCodes.Status409Conflict, $"{what}-not-open", accepted.ItemCode is null ? "Project not open for this" : "Item not open for decisions",
                    $"{Sentence(result.Message)}{(result.State is { } s && result.Message?.Contains(s.ToString(), StringComparison.Ordinal) != true ? $"The item is {s}. " : "")}Nothing was recorded. Read GET {accepted.ProjectUri} for where it stands.",
                    accepted.ItemCode is null ? "projectCode" : "itemCode");
                if (result.State is { } state) problem.Extensions["state"] = state.ToString();
                problem.Extensions["projectCode"] = accepted.ProjectCode;
                if (accepted.ItemCode is not null) problem.Extensions["itemCode"] = accepted.ItemCode;
                return TypedResults.Problem(problem);
            }
            case CommandOutcome.Invalid when result.Errors is { Count: > 0 } errors:
                return new FieldErrors().AddRange(errors).ToProblem(string.IsNullOrWhiteSpace(result.Message) ? null : $"{Sentence(result.Message)}Nothing was recorded.");
            case CommandOutcome.Invalid:
            {
                var problem = Problems.Problems.Create(StatusCodes.Status409Conflict, "command-refused", "Refused by the rules",
                    $"{Sentence(result.Message)}Nothing was recorded.");
                if (result.State is { } state) problem.Extensions["state"] = state.ToString();
                return TypedResults.Problem(problem);
            }
            default:
                throw new InvalidOperationException($"Unknown command outcome {result.Outcome}.");
        }
    }

    private static string Sentence(string? message)
    {
        if (string.IsNullOrWhiteSpace(message)) return "";
        var m = message.Trim();
        return m.EndsWith('.') ? m + " " : m + ". ";
    }
}
