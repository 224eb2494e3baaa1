using Microsoft.AspNetCore.Mvc;
using Orchestrator.Api.Auth;
using Orchestrator.Api.Http.Api;
using Orchestrator.Api.OpenApi;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Api.Http.Projects;

/// <summary>
/// POST /api/projects/{projectCode}/items/{itemCode}/materials and POST /api/projects/{projectCode}/events/{event}
/// (land-rights-obtained, material-change, construction-finished). Platform or ops; 202 when accepted, the
/// Idempotency-Key header makes a retry apply once.
/// </summary>
internal static class ProjectCommandEndpoints
{
    public static readonly string[] EventNames = ["land-rights-obtained", "material-change", "construction-finished"];

    public static RouteGroupBuilder MapProjectCommands(this RouteGroupBuilder projects)
    {
        projects.MapPost("/{projectCode}/items/{itemCode}/materials", SubmitMaterialsAsync)
            .WithName("SubmitMaterials")
            .WithSummary("The applicant supplies materials for an item (tolerance materials 容缺补齐, correction 补正, rectification report)")
            .Command<MaterialsBody>();

        projects.MapPost("/{projectCode}/events/land-rights-obtained", LandRightsAsync)
            .WithName("ReportLandRightsObtained")
            .WithSummary("Land rights obtained: every simulated opinion must become formal within 3 working days (文件转换)")
            .Command<LandRightsObtainedBody>();

        projects.MapPost("/{projectCode}/events/material-change", MaterialChangeAsync)
            .WithName("ReportMaterialChange")
            .WithSummary("A material change naming a re-approval reason: the affected items go back through approval")
            .Command<MaterialChangeBody>();

        projects.MapPost("/{projectCode}/events/construction-finished", ConstructionFinishedAsync)
            .WithName("ReportConstructionFinished")
            .WithSummary("Construction finished: joint acceptance (联合验收) starts")
            .Command<ConstructionFinishedBody>(optionalBody: true);

        // Any other event name, and the known ones sent without a JSON content type (the typed routes match
        // application/json only): construction-finished needs no body; the others answer 415.
        projects.MapPost("/{projectCode}/events/{eventName}", OtherEventAsync)
            .RequireAuthorization(ApiPolicies.PlatformWrite)
            .ExcludeFromDescription();
        return projects;
    }

    internal static Task<IResult> OtherEventAsync(string projectCode, string eventName, HttpContext context,
        [FromServices] IProjectCommands commands, [FromServices] IProjectQueries queries, CancellationToken ct) => eventName switch
    {
        "construction-finished" => ConstructionFinishedAsync(projectCode, context, commands, queries, ct),
        _ when EventNames.Contains(eventName) => Task.FromResult(Problems.Problems.Result(StatusCodes.Status415UnsupportedMediaType,
            "unsupported-media-type", "JSON expected", "Send the body as JSON with the header Content-Type: application/json.", "Content-Type")),
        _ => Task.FromResult(Problems.Problems.NotFound("unknown-event", "Unknown project event",
            $"'{eventName}' is not a project event; use one of {string.Join(", ", EventNames)}.", "eventName")),
    };

    private static RouteHandlerBuilder Command<TBody>(this RouteHandlerBuilder route, bool optionalBody = false) where TBody : notnull => route
        .RequireAuthorization(ApiPolicies.PlatformWrite)
        .WithMetadata(new IdempotencyKeyMetadata())
        .Accepts<TBody>(optionalBody, "application/json")
        .Produces<CommandAccepted>(StatusCodes.Status202Accepted)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    internal static Task<IResult> SubmitMaterialsAsync(string projectCode, string itemCode, HttpContext context,
        [FromServices] IProjectCommands commands, [FromServices] IProjectQueries queries, CancellationToken ct) =>
        RunCommandAsync<MaterialsBody>(context, queries, "materials", projectCode, itemCode, allowEmptyBody: false,
            validate: (b, errors) =>
            {
                if (b!.Materials is not { Count: > 0 }) errors.Add("materials", "Name at least one material supplied.");
                else FileProjectEndpoint.List(b.Materials, "materials", errors);
                FileProjectEndpoint.Text(b.Note, "note", errors, required: false);
            },
            execute: (actor, b, key) => commands.SubmitMaterialsAsync(projectCode, itemCode,
                new MaterialsSupplied(actor, b!.Materials!, key, b.Note), ct),
            ct);

    internal static Task<IResult> LandRightsAsync(string projectCode, HttpContext context,
        [FromServices] IProjectCommands commands, [FromServices] IProjectQueries queries, CancellationToken ct) =>
        RunCommandAsync<LandRightsObtainedBody>(context, queries, "land-rights-obtained", projectCode, itemCode: null, allowEmptyBody: false,
            validate: (b, errors) =>
            {
                if (b!.ContractDate is null) errors.Add("contractDate", "Required: the date the land contract or allocation decision was signed, e.g. 2026-03-10.");
                else if (b.ContractDate > Today(context)) errors.Add("contractDate", $"{b.ContractDate:yyyy-MM-dd} is in the future.");
                FileProjectEndpoint.Text(b.ContractNumber, "contractNumber", errors, required: true);
            },
            execute: (actor, b, key) => commands.ReportLandRightsAsync(projectCode,
                new LandRightsObtained(actor, b!.ContractDate!.Value, b.ContractNumber!.Trim(), key), ct),
            ct);

    internal static Task<IResult> MaterialChangeAsync(string projectCode, HttpContext context,
        [FromServices] IProjectCommands commands, [FromServices] IProjectQueries queries, CancellationToken ct)
    {
        var reason = default(ReapprovalReason);
        return RunCommandAsync<MaterialChangeBody>(context, queries, "material-change", projectCode, itemCode: null, allowEmptyBody: false,
            validate: (b, errors) =>
            {
                Codes.TryEnum(b!.Reason, "reason", errors, out reason);
                var catalog = context.RequestServices.GetService<ApprovalCatalog>();
                if (b.AffectedItems is not { Count: > 0 }) errors.Add("affectedItems", "Name at least one item that goes back through approval.");
                else if (FileProjectEndpoint.List(b.AffectedItems, "affectedItems", errors))
                {
                    for (var i = 0; i < b.AffectedItems.Count; i++) Codes.CheckItemCode(b.AffectedItems[i], catalog, errors, $"affectedItems[{i}]");
                }
                FileProjectEndpoint.Text(b.Description, "description", errors, required: true);
            },
            execute: (actor, b, key) => commands.ReportMaterialChangeAsync(projectCode,
                new MaterialChange(actor, reason, b!.AffectedItems!, b.Description!.Trim(), key), ct),
            ct);
    }

    internal static Task<IResult> ConstructionFinishedAsync(string projectCode, HttpContext context,
        [FromServices] IProjectCommands commands, [FromServices] IProjectQueries queries, CancellationToken ct)
    {
        var today = Today(context);
        return RunCommandAsync<ConstructionFinishedBody>(context, queries, "construction-finished", projectCode, itemCode: null, allowEmptyBody: true,
            validate: (b, errors) =>
            {
                var finishedOn = b?.FinishedOn ?? today;
                if (finishedOn > today) errors.Add("finishedOn", $"{finishedOn:yyyy-MM-dd} is in the future.");
            },
            execute: (actor, b, key) => commands.ReportConstructionFinishedAsync(projectCode,
                new ConstructionFinished(actor, b?.FinishedOn ?? today, key), ct),
            ct);
    }

    /// <summary>
    /// The one pipeline of every project command: route values and the Idempotency-Key are checked before the
    /// body is read, the body's fields before anything reaches the lifecycle (a refused request stores nothing),
    /// and the command runs as the caller (the actor always comes from the key, never from the body).
    /// </summary>
    private static async Task<IResult> RunCommandAsync<TBody>(HttpContext context, IProjectQueries queries, string command,
        string projectCode, string? itemCode, bool allowEmptyBody,
        Action<TBody?, FieldErrors> validate, Func<Actor, TBody?, string, Task<CommandResult>> execute, CancellationToken ct)
        where TBody : class
    {
        var errors = new FieldErrors();
        Codes.CheckProjectCode(projectCode, errors);
        if (itemCode is not null) Codes.CheckItemCode(itemCode, context.RequestServices.GetService<ApprovalCatalog>(), errors);
        var key = Callers.IdempotencyKey(context.Request, errors, out _);
        if (errors.Any) return errors.ToProblem();

        var body = await RequestBodies.ReadAsync<TBody>(context, ct, allowEmptyBody);
        if (body.Problem is not null) return body.Problem;
        validate(body.Value, errors);
        if (errors.Any) return errors.ToProblem();

        var actor = Callers.ActorOf(context.User);
        var result = await execute(actor, body.Value, key);
        return await CommandResultMapping.ToHttpAsync(context, result,
            new CommandAccepted(command, projectCode, itemCode, null, null, key, actor, ProjectsApi.ProjectUri(projectCode)), queries, ct);
    }

    /// <summary>Today in China (the service's clock, which the demo clock may run fast).</summary>
    internal static DateOnly Today(HttpContext context) =>
        ChinaTime.LocalDate(context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
}
