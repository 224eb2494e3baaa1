using Microsoft.Extensions.Options;
using Orchestrator.Functions.Auth;
using Orchestrator.Functions.Demo;
using Orchestrator.Functions.Http.Departments;
using Orchestrator.Functions.Http.Projects;
using Orchestrator.Functions.Http.Sla;
using Orchestrator.Functions.OpenApi;

namespace Orchestrator.Functions.Http.Api;

/// <summary>
/// The platform-facing HTTP surface of issue 5: /api/projects, /api/departments, /api/sla, /api/clock, the OpenAPI
/// document and reference page, the /api access policies and the demo clock. Built on the lifecycle's
/// IProjectCommands / IProjectQueries (registered by the lifecycle).
/// </summary>
public static class PlatformApi
{
    public static WebApplicationBuilder AddPlatformApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>()
            .Bind(builder.Configuration.GetSection(ApiOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        builder.Services.AddSingleton<IdempotencyLedger>();
        builder.Services.AddApiAccessPolicies();
        builder.AddDemoClock();
        builder.AddOpenApiReference();
        return builder;
    }

    public static IEndpointRouteBuilder MapPlatformApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapProjectsApi();
        endpoints.MapDepartmentsApi();
        endpoints.MapSlaApi();
        endpoints.MapDemoClock();
        endpoints.MapOpenApiReference();
        return endpoints;
    }
}
