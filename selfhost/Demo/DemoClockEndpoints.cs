using Orchestrator.Orchestrations.Clocks;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Auth;
using Orchestrator.Orchestrations.Calendar;

namespace Orchestrator.SelfHost.Demo;

/// <summary>The service's clock as it stands (fast in a demo).</summary>
/// <param name="Now">The service's now (UTC).</param>
/// <param name="LocalNow">The same instant in China (Asia/Shanghai).</param>
/// <param name="ClockSpeed">How many times faster than real time the clock runs (1: real time).</param>
/// <param name="StartedAt">Where the demo clock started, null when it is the real clock.</param>
public sealed record ClockAnswer(DateTimeOffset Now, DateTimeOffset LocalNow, double ClockSpeed, DateTimeOffset? StartedAt);

public static class DemoClockEndpoints
{
    /// <summary>GET /api/clock: the service's clock (any key), so a demo can show how far the fast clock has run.</summary>
    public static IEndpointRouteBuilder MapDemoClock(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/clock", (TimeProvider time) =>
            {
                var now = time.GetUtcNow();
                var demo = time as DomainTimeProvider;
                return TypedResults.Ok(new ClockAnswer(now, TimeZoneInfo.ConvertTime(now, ChinaTime.Zone), demo?.Speed ?? 1, demo?.StartedAt));
            })
            .WithTags("Clock")
            .WithName("GetClock")
            .WithSummary("The service's clock: real time, or the fast demo clock (Demo:ClockSpeed) in Development")
            .RequireAuthorization(ApiPolicies.Read)
            .Produces<ClockAnswer>();
        return endpoints;
    }
}
