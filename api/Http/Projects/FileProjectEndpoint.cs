using Microsoft.AspNetCore.Mvc;
using Orchestrator.Api.Auth;
using Orchestrator.Api.Http.Api;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Credit;
using Orchestrator.Orchestrations.Identifiers;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Api.Http.Projects;

/// <summary>POST /api/projects: file a project (idempotent on the project code).</summary>
internal static class FileProjectEndpoint
{
    internal const int MaxText = 500;
    internal const int MaxList = 100;

    public static RouteGroupBuilder MapFileProject(this RouteGroupBuilder projects)
    {
        projects.MapPost("/", FileAsync)
            .WithName("FileProject")
            .WithSummary("File a project (备案/申报); filing the same project code again returns the existing project")
            .RequireAuthorization(ApiPolicies.PlatformWrite)
            .Accepts<FileProjectBody>("application/json")
            .Produces<FilingAnswer>(StatusCodes.Status201Created)
            .Produces<FilingAnswer>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return projects;
    }

    internal static async Task<IResult> FileAsync(HttpContext context, [FromServices] IProjectCommands commands, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<FileProjectBody>(context, ct);
        if (body.Problem is not null) return body.Problem;
        var catalog = context.RequestServices.GetService<ApprovalCatalog>();

        var errors = new FieldErrors();
        var request = Validate(body.Value!, catalog, Callers.ActorOf(context.User), errors);
        if (errors.Any || request is null) return errors.ToProblem();

        var result = await commands.FileProjectAsync(request, ct);
        var code = request.ProjectCode;
        var answer = new FilingAnswer(code, result.InstanceId, result.Outcome, result.Warnings,
            ProjectsApi.ProjectUri(code), ProjectsApi.PlanUri(code));
        return result.Outcome switch
        {
            FileProjectOutcome.Created => TypedResults.Created(answer.ProjectUri, answer),
            FileProjectOutcome.Existing => TypedResults.Ok(answer),
            _ => new FieldErrors().AddRange(result.Errors.Count > 0 ? result.Errors : [new FieldError("body", "The filing was refused.")]).ToProblem(),
        };
    }

    /// <summary>Shape and identifier checks (domain rules for the codes); the lifecycle checks the rest when it files.</summary>
    internal static FileProjectRequest? Validate(FileProjectBody b, ApprovalCatalog? catalog, Actor actor, FieldErrors errors)
    {
        Codes.CheckProjectCode(b.ProjectCode, errors);
        Text(b.ProjectName, "projectName", errors, required: true);
        Text(b.EnterpriseName, "enterpriseName", errors, required: true);
        Text(b.Sector, "sector", errors, required: false);
        Text(b.ZoneCode, "zoneCode", errors, required: false);

        var warnings = new List<string>();
        if (string.IsNullOrWhiteSpace(b.Uscc))
        {
            errors.Add("uscc", "Required: the enterprise's 18-character unified social credit code, e.g. 91350100M000100Y43.");
        }
        else
        {
            var uscc = UnifiedSocialCreditCode.Validate(b.Uscc, UsccValidationMode.Strict);
            if (!uscc.IsValid) errors.Add("uscc", uscc.ErrorMessage);
        }

        Codes.TryEnum<InvestmentNature>(b.InvestmentNature, "investmentNature", errors, out var nature);
        var level = ProjectLevel.None;
        if (b.MajorProjectLevel is not null) Codes.TryEnum(b.MajorProjectLevel, "majorProjectLevel", errors, out level);

        if (b.TotalInvestmentWan is null) errors.Add("totalInvestmentWan", "Required: the total investment in 万元, greater than 0.");
        else if (b.TotalInvestmentWan <= 0) errors.Add("totalInvestmentWan", $"Must be greater than 0 (万元); it is {b.TotalInvestmentWan}.");

        List(b.SiteConditions, "siteConditions", errors);
        if (List(b.ChosenCommitments, "chosenCommitments", errors))
        {
            for (var i = 0; i < b.ChosenCommitments!.Count; i++) Codes.CheckItemCode(b.ChosenCommitments[i], catalog, errors, $"chosenCommitments[{i}]");
        }
        if (b.Tolerance is { } tolerance)
        {
            if (tolerance.Count > MaxList) errors.Add("tolerance", $"At most {MaxList} entries.");
            for (var i = 0; i < Math.Min(tolerance.Count, MaxList); i++)
            {
                var t = tolerance[i];
                if (t is null) { errors.Add($"tolerance[{i}]", "Must be an object with itemCode and missingMaterials."); continue; }
                Codes.CheckItemCode(t.ItemCode, catalog, errors, $"tolerance[{i}].itemCode");
                if (t.MissingMaterials is not { Count: > 0 }) errors.Add($"tolerance[{i}].missingMaterials", "Name at least one missing material.");
                else List(t.MissingMaterials, $"tolerance[{i}].missingMaterials", errors);
            }
        }

        var landRights = b.LandRightsHeld ?? false;
        SimulatedApprovalEntry? simulated = null;
        if (b.SimulatedApproval is { } s)
        {
            if (landRights) errors.Add("simulatedApproval", "Only for a project without land rights (landRightsHeld is true).");
            foreach (var (name, value) in new[] { ("fitsCityAndLandUsePlan", s.FitsCityAndLandUsePlan), ("noBasicFarmland", s.NoBasicFarmland),
                         ("cultivatedLandUnderHalf", s.CultivatedLandUnderHalf), ("applicantConstituted", s.ApplicantConstituted) })
            {
                if (value is null) errors.Add($"simulatedApproval.{name}", "Required: true or false.");
            }
            simulated = new SimulatedApprovalEntry(s.FitsCityAndLandUsePlan ?? false, s.NoBasicFarmland ?? false,
                s.CultivatedLandUnderHalf ?? false, s.ApplicantConstituted ?? false);
        }

        if (errors.Any) return null;
        return new FileProjectRequest(
            b.ProjectCode!.Trim(), b.ProjectName!.Trim(), b.Uscc!.Trim(), b.EnterpriseName!.Trim(), nature, b.TotalInvestmentWan!.Value, level,
            Blank(b.Sector), Blank(b.ZoneCode), b.SiteConditions, landRights, simulated, b.ChosenCommitments,
            b.Tolerance?.Select(t => new ToleranceRequest(t.ItemCode!, t.MissingMaterials!)).ToList(), actor);
    }

    internal static bool Text(string? value, string field, FieldErrors errors, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors.Add(field, "Required: a non-empty string.");
            return !required;
        }
        if (value.Length > MaxText) { errors.Add(field, $"At most {MaxText} characters; it has {value.Length}."); return false; }
        return true;
    }

    internal static bool List(List<string>? values, string field, FieldErrors errors)
    {
        if (values is null) return false;
        if (values.Count > MaxList) { errors.Add(field, $"At most {MaxList} entries."); return false; }
        var ok = true;
        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i])) { errors.Add($"{field}[{i}]", "Must be a non-empty string."); ok = false; }
            else if (values[i].Length > MaxText) { errors.Add($"{field}[{i}]", $"At most {MaxText} characters."); ok = false; }
        }
        return ok;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
