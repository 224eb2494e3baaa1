using Microsoft.Extensions.Options;
using Orchestrator.Api.Auth;

namespace Orchestrator.SelfHost.Management;

/// <summary>
/// The management HTTP API in the shape Durable Functions users know, under /runtime/webhooks/durabletask.
/// Reads need an ops or viewer key, changes an ops key. Errors are problem+json.
/// </summary>
public static class ManagementApi
{
    public const string RoutePrefix = "/runtime/webhooks/durabletask";
    public const string ContinuationHeader = "x-ms-continuation-token";

    public static WebApplicationBuilder AddManagementApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ManagementOptions>()
            .Bind(builder.Configuration.GetSection(ManagementOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ManagementOptions>, ManagementOptionsValidator>();
        return builder;
    }

    public static IEndpointRouteBuilder MapManagementApi(this IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<ManagementOptions>>().Value.Enabled) return endpoints;
        var api = endpoints.MapGroup(RoutePrefix)
            .WithTags("Management")
            .RequireAuthorization(Policies.ManagementRead)
            .AddEndpointFilter(RefuseOversizedBody);

        api.MapStartEndpoints();
        api.MapInstanceQueryEndpoints();
        api.MapInstanceCommandEndpoints();
        api.MapPurgeEndpoints();
        return endpoints;
    }

    /// <summary>A declared body over the limit is refused before anything reads it (and before anything is stored).</summary>
    private static async ValueTask<object?> RefuseOversizedBody(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var limit = context.HttpContext.RequestServices.GetRequiredService<IOptions<ManagementOptions>>().Value.MaxRequestBodyBytes;
        if (context.HttpContext.Request.ContentLength > limit) return Api.Problems.Problems.PayloadTooLarge(limit);
        return await next(context);
    }

    internal static long BodyLimit(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<ManagementOptions>>().Value.MaxRequestBodyBytes;
}
