using Orchestrator.Api.Auth;

namespace Orchestrator.Api.Http.Projects;

/// <summary>
/// The platform API under /api/projects: file a project, read it, its approval map and the project list; submit
/// materials; report land rights, material changes and construction finished. Reads: any key; changes: platform or ops.
/// </summary>
public static class ProjectsApi
{
    public const string RoutePrefix = "/api/projects";

    public static IEndpointRouteBuilder MapProjectsApi(this IEndpointRouteBuilder endpoints)
    {
        var projects = endpoints.MapGroup(RoutePrefix)
            .WithTags("Projects")
            .RequireAuthorization(ApiPolicies.Read);

        projects.MapFileProject();
        projects.MapProjectReads();
        projects.MapProjectCommands();
        return endpoints;
    }

    internal static string ProjectUri(string projectCode) => $"{RoutePrefix}/{Uri.EscapeDataString(projectCode)}";
    internal static string PlanUri(string projectCode) => $"{ProjectUri(projectCode)}/plan";
}
