using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Api;
using Orchestrator.SelfHost.Dashboard;
using Orchestrator.SelfHost.Demo;
using Orchestrator.SelfHost.Durable;
using Orchestrator.Api.Http.Api;
using Orchestrator.Api.Http.Health;
using Orchestrator.SelfHost.Management;
using Orchestrator.SelfHost.Observability;
using Orchestrator.Api.Problems;
using Orchestrator.SelfHost.Scheduling;

namespace Orchestrator.SelfHost.Hosting;

/// <summary>
/// The composition of the service, shared by Program and the tests: each component registers itself through its
/// own extension (AddXxx on the builder, MapXxx on the app). New features add one line in each place:
/// HTTP feature groups under api/Http/ (shared with the Functions app in functions/), scheduled functions through AddScheduledFunction, orchestrations
/// through AddDurableRegistrations.
/// </summary>
public static class OrchestratorHost
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddLocalSettings();

        var hosting = builder.Configuration.GetSection(HostingOptions.SectionName).Get<HostingOptions>() ?? new HostingOptions();
        var hostingErrors = hosting.Validate().ToList();
        if (hostingErrors.Count > 0) throw new OptionsValidationException(HostingOptions.SectionName, typeof(HostingOptions), hostingErrors);
        builder.Services.AddOptions<HostingOptions>().Bind(builder.Configuration.GetSection(HostingOptions.SectionName));
        builder.WebHost.UseUrls(hosting.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        var maxBody = builder.Configuration.GetSection(ManagementOptions.SectionName).Get<ManagementOptions>()?.MaxRequestBodyBytes
            ?? new ManagementOptions().MaxRequestBodyBytes;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Math.Max(maxBody, 1024));

        builder.AddOrchestratorApi(); // api/: problem+json, API-key auth, /health, the /api groups' services (shared with the Functions app)
        builder.Services.AddOpenApi();
        builder.AddTelemetry();

        builder.AddManagementApi();
        builder.AddScheduledFunctions();
        builder.AddDemoClock();
        builder.AddObservability(); // Observability section; the Telemetry section above is its short form
        builder.AddDashboard();
        // Feature components (orchestrations, scheduled functions, HTTP groups) register here.
        builder.AddDurableEngine();
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseObservabilityScopes();

        app.MapHealth();
        app.MapManagementApi();
        app.MapPlatformApi(); // also maps the OpenAPI document and its reference page
        app.MapDemoClock();
        app.MapDashboard();
        return app;
    }
}
