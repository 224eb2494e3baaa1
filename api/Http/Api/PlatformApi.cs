using Microsoft.Extensions.Options;
using Orchestrator.Api.Auth;
using Orchestrator.Api.Http.Departments;
using Orchestrator.Api.Http.Projects;
using Orchestrator.Api.Http.Sla;
using Orchestrator.Api.OpenApi;

namespace Orchestrator.Api.Http.Api;

/// <summary>
/// The platform-facing HTTP surface of issue 5: /api/projects, /api/departments, /api/sla, /api/clock, the OpenAPI
/// document and reference page and the /api access policies (the demo clock, /api/clock, is the self-host's: Demo/). Built on the lifecycle's
/// IProjectCommands / IProjectQueries (registered by the lifecycle).
/// </summary>
public static class PlatformApi
{
    public static TBuilder AddPlatformApi<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ApiOptions>()
            .Bind(builder.Configuration.GetSection(ApiOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        builder.Services.AddSingleton<IdempotencyLedger>();
        builder.Services.AddApiAccessPolicies();
        builder.AddOpenApiReference();
        return builder;
    }

    public static IEndpointRouteBuilder MapPlatformApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapProjectsApi();
        endpoints.MapDepartmentsApi();
        endpoints.MapSlaApi();
        endpoints.MapOpenApiReference();
        return endpoints;
    }
}
