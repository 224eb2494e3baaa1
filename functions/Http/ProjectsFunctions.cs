using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Auth;
using Orchestrator.Api.Http.Api;
using Orchestrator.Api.Http.Projects;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Functions.Http;

/// <summary>The platform API under /api/projects (api/Http/Projects): reads any key; filing, materials and events platform or ops.</summary>
public static class ProjectsFunctions
{
    private static readonly string[] Read = [ApiPolicies.Read];
    private static readonly string[] Write = [ApiPolicies.Read, ApiPolicies.PlatformWrite];

    [Function("FileProject")]
    public static Task<IResult> FileProject(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/projects")] HttpRequest req,
        [DurableClient] DurableTaskClient client, FunctionContext context) =>
        ApiFunction.RunAsync(req, context, client, Write,
            (http, sp, ct) => FileProjectEndpoint.FileAsync(http, sp.GetRequiredService<IProjectCommands>(), ct));

    [Function("ListProjects")]
    public static Task<IResult> ListProjects(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/projects")] HttpRequest req,
        [DurableClient] DurableTaskClient client, FunctionContext context) =>
        ApiFunction.RunAsync(req, context, client, Read,
            (http, sp, ct) => ProjectReadEndpoints.ListAsync(http, sp.GetRequiredService<IProjectQueries>(), sp.GetRequiredService<IOptions<ApiOptions>>(), ct));

    [Function("GetProject")]
    public static Task<IResult> GetProject(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/projects/{projectCode}")] HttpRequest req,
        string projectCode, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        ApiFunction.RunAsync(req, context, client, Read,
            (http, sp, ct) => ProjectReadEndpoints.GetAsync(projectCode, sp.GetRequiredService<IProjectQueries>(), ct),
            ("projectCode", projectCode));

    [Function("GetPlan")]
    public static Task<IResult> GetPlan(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/projects/{projectCode}/plan")] HttpRequest req,
        string projectCode, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        ApiFunction.RunAsync(req, context, client, Read,
            (http, sp, ct) => ProjectReadEndpoints.GetPlanAsync(projectCode, http, sp.GetRequiredService<IProjectQueries>(), ct),
            ("projectCode", projectCode));

    [Function("SubmitMaterials")]
    public static Task<IResult> SubmitMaterials(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/projects/{projectCode}/items/{itemCode}/materials")] HttpRequest req,
        string projectCode, string itemCode, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        ApiFunction.RunAsync(req, context, client, Write,
            (http, sp, ct) => ProjectCommandEndpoints.SubmitMaterialsAsync(projectCode, itemCode, http,
                sp.GetRequiredService<IProjectCommands>(), sp.GetRequiredService<IProjectQueries>(), ct),
            ("projectCode", projectCode), ("itemCode", itemCode));

    [Function("ReportLandRightsObtained")]
    public static Task<IResult> ReportLandRightsObtained(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/projects/{projectCode}/events/land-rights-obtained")] HttpRequest req,
        string projectCode, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        ApiFunction.RunAsync(req, context, client, Write,
            (http, sp, ct) => ProjectCommandEndpoints.LandRightsAsync(projectCode, http,
                sp.GetRequiredService<IProjectCommands>(), sp.GetRequiredService<IProjectQueries>(), ct),
            ("projectCode", projectCode));

    [Function("ReportMaterialChange")]
    public static Task<IResult> ReportMaterialChange(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/projects/{projectCode}/events/material-change")] HttpRequest req,
        string projectCode, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        ApiFunction.RunAsync(req, context, client, Write,
            (http, sp, ct) => ProjectCommandEndpoints.MaterialChangeAsync(projectCode, http,
                sp.GetRequiredService<IProjectCommands>(), sp.GetRequiredService<IProjectQueries>(), ct),
            ("projectCode", projectCode));

    [Function("ReportConstructionFinished")]
    public static Task<IResult> ReportConstructionFinished(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/projects/{projectCode}/events/construction-finished")] HttpRequest req,
        string projectCode, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        ApiFunction.RunAsync(req, context, client, Write,
            (http, sp, ct) => ProjectCommandEndpoints.ConstructionFinishedAsync(projectCode, http,
                sp.GetRequiredService<IProjectCommands>(), sp.GetRequiredService<IProjectQueries>(), ct),
            ("projectCode", projectCode));

    /// <summary>Any other event name: 404 unknown-event (the known names have their own routes, which win).</summary>
    [Function("ReportProjectEvent")]
    public static Task<IResult> ReportProjectEvent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/projects/{projectCode}/events/{eventName}")] HttpRequest req,
        string projectCode, string eventName, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        ApiFunction.RunAsync(req, context, client, Write,
            (http, sp, ct) => ProjectCommandEndpoints.OtherEventAsync(projectCode, eventName, http,
                sp.GetRequiredService<IProjectCommands>(), sp.GetRequiredService<IProjectQueries>(), ct),
            ("projectCode", projectCode), ("eventName", eventName));
}
