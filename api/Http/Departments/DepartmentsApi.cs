using Microsoft.AspNetCore.Mvc;
using Orchestrator.Api.Auth;
using Orchestrator.Api.Http.Api;
using Orchestrator.Api.Http.Projects;
using Orchestrator.Api.OpenApi;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Clocks;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Api.Http.Departments;

/// <summary>Body of POST /api/departments/{departmentCode}/items/{projectCode}/{itemCode}/decisions. Who decides comes from the API key.</summary>
public sealed record DecisionBody
{
    /// <summary>Approve, Reject, RequestCorrection, StartSpecialProcedure, EndSpecialProcedure, Extend or Rectify.</summary>
    public string? Kind { get; init; }
    /// <summary>Reject / RequestCorrection / Rectify: at least one reason.</summary>
    public List<string>? Reasons { get; init; }
    /// <summary>StartSpecialProcedure: which procedure (Hearing, Tendering, Auction, Inspection, Testing, Quarantine, Appraisal, ExpertReview…).</summary>
    public string? Procedure { get; init; }
    /// <summary>StartSpecialProcedure / Extend: the reason in words.</summary>
    public string? Reason { get; init; }
    /// <summary>Extend: extra days (1 to 60); Rectify: working days allowed to rectify (1 to 180).</summary>
    public int? Days { get; init; }
    /// <summary>Free text shown in the history.</summary>
    public string? Note { get; init; }
}

/// <summary>A page of a department's open items, most urgent first; pass <see cref="ContinuationToken"/> back (or follow <see cref="Next"/>) for the next page.</summary>
public sealed record DepartmentItemsAnswer(IReadOnlyList<DepartmentItemView> Items, string? ContinuationToken, string? Next);

/// <summary>
/// The department API under /api/departments/{departmentCode}: its open items, and decisions on them. A department
/// key is bound to one department code; ops may act for any department, viewer may read.
/// </summary>
public static class DepartmentsApi
{
    public const string RoutePrefix = "/api/departments/{departmentCode}";

    public static IEndpointRouteBuilder MapDepartmentsApi(this IEndpointRouteBuilder endpoints)
    {
        var department = endpoints.MapGroup(RoutePrefix)
            .WithTags("Departments")
            .RequireAuthorization(ApiPolicies.DepartmentRead);

        department.MapGet("/items", ListItemsAsync)
            .WithName("ListDepartmentItems")
            .WithSummary("The department's open items (accepting decisions) with their deadlines, most urgent first, paged (pageSize, continuationToken)")
            .Produces<DepartmentItemsAnswer>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        department.MapPost("/items/{projectCode}/{itemCode}/decisions", RecordDecisionAsync)
            .WithName("RecordDecision")
            .WithSummary("Record the department's decision on one of its items; the Idempotency-Key header makes a retry apply once")
            .RequireAuthorization(ApiPolicies.DepartmentWrite)
            .WithMetadata(new IdempotencyKeyMetadata())
            .Accepts<DecisionBody>("application/json")
            .Produces<CommandAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return endpoints;
    }

    internal static async Task<IResult> ListItemsAsync(string departmentCode, HttpContext context, [FromServices] IProjectQueries queries, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Codes.CheckDepartmentCode(departmentCode, context.RequestServices.GetService<ApprovalCatalog>(), errors);
        var (pageSize, token) = Paging.Read(context, errors);
        if (errors.Any) return errors.ToProblem();
        Page<DepartmentItemView> page;
        try
        {
            page = await queries.ListDepartmentItemsPageAsync(departmentCode, pageSize, token, ct);
        }
        catch (FormatException ex)
        {
            return Paging.TokenRefused(ex);
        }
        return TypedResults.Ok(new DepartmentItemsAnswer(page.Items, page.ContinuationToken, Paging.NextLink(context, page.ContinuationToken)));
    }

    internal static async Task<IResult> RecordDecisionAsync(string departmentCode, string projectCode, string itemCode, HttpContext context,
        [FromServices] IProjectCommands commands, [FromServices] IProjectQueries queries, CancellationToken ct)
    {
        var catalog = context.RequestServices.GetService<ApprovalCatalog>();
        var errors = new FieldErrors();
        Codes.CheckDepartmentCode(departmentCode, catalog, errors);
        Codes.CheckProjectCode(projectCode, errors);
        Codes.CheckItemCode(itemCode, catalog, errors);
        var key = Callers.IdempotencyKey(context.Request, errors, out _);
        if (errors.Any) return errors.ToProblem();

        var body = await RequestBodies.ReadAsync<DecisionBody>(context, ct);
        if (body.Problem is not null) return body.Problem;
        var actor = Callers.ActorOf(context.User);
        var decision = Validate(body.Value!, actor, key, errors);
        if (decision is null || errors.Any) return errors.ToProblem();

        var accepted = new CommandAccepted("decision", projectCode, itemCode, departmentCode, decision.Kind, key, actor, ProjectsApi.ProjectUri(projectCode));
        var result = await commands.RecordDecisionAsync(departmentCode, projectCode, itemCode, decision, ct);
        if (result.Outcome is CommandOutcome.NotOpen or CommandOutcome.Duplicate
            && await RecordedUnderKeyAsync(queries, projectCode, itemCode, key, ct) is { } earlier)
        {
            if (earlier.Kind is { } kind && kind != decision.Kind)
            {
                return Problems.Problems.Result(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "Idempotency key already used",
                    $"The Idempotency-Key '{key}' was already used for a {kind} decision on {itemCode}; this request asks for {decision.Kind}. Use a new key for a new decision. Nothing was recorded.",
                    Callers.IdempotencyHeader);
            }
            // A retry that arrives after the first request closed the item: the first answer, replayed.
            result = result with { Outcome = CommandOutcome.Duplicate };
        }
        return await CommandResultMapping.ToHttpAsync(context, result, accepted, queries, ct);
    }

    internal static DepartmentDecision? Validate(DecisionBody b, Actor actor, string key, FieldErrors errors)
    {
        if (!Codes.TryEnum<DecisionKind>(b.Kind, "kind", errors, out var kind)) return null;
        SpecialProcedure? procedure = null;
        if (b.Procedure is not null)
        {
            if (Codes.TryEnum<SpecialProcedure>(b.Procedure, "procedure", errors, out var p)) procedure = p;
        }
        if (b.Reasons is not null) FileProjectEndpoint.List(b.Reasons, "reasons", errors);
        FileProjectEndpoint.Text(b.Reason, "reason", errors, required: false);
        FileProjectEndpoint.Text(b.Note, "note", errors, required: false);

        var decision = new DepartmentDecision(kind, actor, key, b.Reasons, procedure, string.IsNullOrWhiteSpace(b.Reason) ? null : b.Reason.Trim(), b.Days, b.Note);
        foreach (var problem in decision.Validate())
        {
            var colon = problem.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0) errors.Add(problem[..colon], Capitalize(problem[(colon + 2)..]) + ".");
            else errors.Add("body", problem);
        }
        return errors.Any ? null : decision;
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>The decision recorded on the item under this key, if any.</summary>
    private static async Task<DecisionRecord?> RecordedUnderKeyAsync(IProjectQueries queries, string projectCode, string itemCode, string key, CancellationToken ct)
    {
        var project = await queries.GetProjectAsync(projectCode, ct);
        return project?.Items.Where(i => i.ItemCode == itemCode).SelectMany(i => i.Decisions).FirstOrDefault(d => d.IdempotencyKey == key);
    }
}
