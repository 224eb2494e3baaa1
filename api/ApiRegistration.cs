using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Api.Auth;
using Orchestrator.Api.Http.Api;
using Orchestrator.Api.Http.Health;
using Orchestrator.Api.Problems;

namespace Orchestrator.Api;

/// <summary>The one registration entry point of the shared HTTP layer, called by the self-host and by the Functions app.</summary>
public static class ApiRegistration
{
    /// <summary>
    /// problem+json (with instance and traceId), the engine-refusal mapping, API-key authentication with its role
    /// policies (Auth section), the /health probe (Health section) and the /api feature groups' services (Api section,
    /// idempotency ledger, /api policies, OpenAPI document options). Mapping the routes is each host's job: the
    /// self-host's <c>MapPlatformApi</c>/<c>MapHealth</c>, the Functions app's HTTP triggers.
    /// </summary>
    public static TBuilder AddOrchestratorApi<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            c.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? c.HttpContext.TraceIdentifier;
        });
        builder.Services.AddExceptionHandler<EngineExceptionHandler>();
        builder.AddApiKeyAuth();
        builder.AddHealth();
        builder.AddPlatformApi();
        return builder;
    }
}
