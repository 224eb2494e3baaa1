using Orchestrator.Api.Auth;

namespace Orchestrator.SelfHost.Dashboard;

/// <summary>
/// The ops monitoring dashboard: a static page at /dashboard (served from embedded resources, no key needed to
/// load it; it shows nothing until a key is entered) and its read-only JSON under /dashboard/api (ops or viewer).
/// Changes (terminate, suspend, resume, restart, raise event, purge) go through the management API, which refuses
/// them to viewer keys.
/// </summary>
public static class DashboardRegistration
{
    public const string Path = "/dashboard";
    public const string ApiPath = "/dashboard/api";

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DashboardOptions>().Bind(builder.Configuration.GetSection(DashboardOptions.SectionName));
        builder.Services.AddSingleton<DashboardAssets>();
        builder.Services.AddSingleton<DashboardQueries>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        var assets = endpoints.MapGroup(Path).AllowAnonymous().ExcludeFromDescription();
        assets.MapGet("", (HttpContext context, DashboardAssets files) => files.Serve(context, "index.html"));
        assets.MapGet("/{file:regex(^[a-z]+\\.(js|css)$)}", (string file, HttpContext context, DashboardAssets files) => files.Serve(context, file));

        var api = endpoints.MapGroup(ApiPath).RequireAuthorization(Policies.ManagementRead).WithTags("Dashboard");
        DashboardEndpoints.Map(api);
        return endpoints;
    }
}

/// <summary>Section "Dashboard".</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>How far back the scheduled functions' runs are listed.</summary>
    public TimeSpan ScheduledRunsWindow { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How many scheduled runs are listed at most (newest first).</summary>
    public int ScheduledRunsShown { get; set; } = 50;
}
