using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Http.Api;
using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.Plan;

namespace Orchestrator.Api.Http.Projects;

/// <summary>A page of the project list; pass <see cref="ContinuationToken"/> back (or follow <see cref="Next"/>) for the next page.</summary>
public sealed record ProjectListAnswer(IReadOnlyList<ProjectSummary> Items, string? ContinuationToken, string? Next);

/// <summary>GET /api/projects, GET /api/projects/{projectCode}, GET /api/projects/{projectCode}/plan.</summary>
internal static class ProjectReadEndpoints
{
    public static RouteGroupBuilder MapProjectReads(this RouteGroupBuilder projects)
    {
        projects.MapGet("/", ListAsync)
            .WithName("ListProjects")
            .WithSummary("List projects, filtered by stage, light, department, overdue, phase and filing time, paged")
            .Produces<ProjectListAnswer>()
            .ProducesValidationProblem();

        projects.MapGet("/{projectCode}", GetAsync)
            .WithName("GetProject")
            .WithSummary("A project: stage, every item with mode, department, deadline, SLA light and decision history")
            .Produces<ProjectView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem();

        projects.MapGet("/{projectCode}/plan", GetPlanAsync)
            .WithName("GetPlan")
            .WithSummary("The approval map (一张图) made at filing")
            .Produces<ApprovalPlan>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem();
        return projects;
    }

    internal static async Task<IResult> GetAsync(string projectCode, [FromServices] IProjectQueries queries, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!Codes.CheckProjectCode(projectCode, errors)) return errors.ToProblem();
        var project = await queries.GetProjectAsync(projectCode, ct);
        return project is null ? ApiProblems.ProjectNotFound(projectCode) : TypedResults.Ok(project);
    }

    internal static async Task<IResult> GetPlanAsync(string projectCode, HttpContext context, [FromServices] IProjectQueries queries, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!Codes.CheckProjectCode(projectCode, errors)) return errors.ToProblem();
        var plan = await queries.GetPlanAsync(projectCode, ct);
        if (plan is not null) return TypedResults.Ok(plan);
        if (await queries.GetProjectAsync(projectCode, ct) is null) return ApiProblems.ProjectNotFound(projectCode);
        context.Response.Headers.RetryAfter = "1";
        return Problems.Problems.NotFound("plan-not-ready", "Approval map not ready",
            $"The project '{projectCode}' is filed and its approval map is being made; retry in a moment.", "projectCode");
    }

    internal static async Task<IResult> ListAsync(HttpContext context, [FromServices] IProjectQueries queries,
        [FromServices] IOptions<ApiOptions> options, CancellationToken ct)
    {
        var q = context.Request.Query;
        var errors = new FieldErrors();
        var catalog = context.RequestServices.GetService<ApprovalCatalog>();
        var query = new ProjectListQuery();

        if (q.TryGetValue("stage", out var stageRaw) && !string.IsNullOrEmpty(stageRaw))
        {
            var maxStage = catalog?.Stages.Count > 0 ? catalog.Stages.Max(s => s.Number) : 4;
            if (int.TryParse(stageRaw, NumberStyles.None, CultureInfo.InvariantCulture, out var stage) && stage >= 1 && stage <= maxStage)
                query = query with { Stage = stage };
            else errors.Add("stage", $"'{stageRaw}' is not a stage; use 1 to {maxStage}.");
        }
        if (q.TryGetValue("light", out var lightRaw) && !string.IsNullOrEmpty(lightRaw))
        {
            if (Codes.TryEnum<SlaLight>(lightRaw, "light", errors, out var light)) query = query with { Light = light };
        }
        if (q.TryGetValue("phase", out var phaseRaw) && !string.IsNullOrEmpty(phaseRaw))
        {
            if (Codes.TryEnum<ProjectPhase>(phaseRaw, "phase", errors, out var phase)) query = query with { Phase = phase };
        }
        if (q.TryGetValue("department", out var departmentRaw) && !string.IsNullOrEmpty(departmentRaw))
        {
            if (Codes.CheckDepartmentCode(departmentRaw, catalog, errors, "department")) query = query with { DepartmentCode = departmentRaw };
        }
        if (q.TryGetValue("overdue", out var overdueRaw) && !string.IsNullOrEmpty(overdueRaw))
        {
            if (bool.TryParse(overdueRaw, out var overdue)) query = query with { Overdue = overdue };
            else errors.Add("overdue", $"'{overdueRaw}' is not true or false.");
        }
        if (TryInstant(q["filedFrom"], "filedFrom", endOfDay: false, errors, out var from)) query = query with { FiledFrom = from };
        if (TryInstant(q["filedTo"], "filedTo", endOfDay: true, errors, out var to)) query = query with { FiledTo = to };
        if (query.FiledFrom is { } f && query.FiledTo is { } t && f > t) errors.Add("filedTo", "Must not be before filedFrom.");

        var (pageSize, token) = Paging.Read(q, options.Value, errors);
        if (errors.Any) return errors.ToProblem();

        query = query with { PageSize = pageSize, ContinuationToken = token };
        Page<ProjectSummary> page;
        try
        {
            page = await queries.ListProjectsAsync(query, ct);
        }
        catch (FormatException ex)
        {
            return Paging.TokenRefused(ex);
        }
        var next = Paging.NextLink(context, page.ContinuationToken);
        return TypedResults.Ok(new ProjectListAnswer(page.Items, page.ContinuationToken, next));
    }

    /// <summary>ISO 8601 instant, or a date meaning the start (from) or end (to) of that day in China (UTC+8).</summary>
    private static bool TryInstant(string? raw, string field, bool endOfDay, FieldErrors errors, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrEmpty(raw)) return false;
        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            value = endOfDay ? ChinaTime.StartOfDay(date.AddDays(1)).AddTicks(-1) : ChinaTime.StartOfDay(date);
            return true;
        }
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)) return true;
        errors.Add(field, $"'{raw}' is not a date (2026-03-02, a day in China) or a date and time (2026-03-02T09:00:00+08:00).");
        return false;
    }
}
