using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Orchestrations.Clocks;

namespace Orchestrator.SelfHost.Demo;

/// <summary>
/// Section "Demo": a fast clock for demonstrations on a developer machine, so that an item goes overdue and escalates
/// in minutes. Off by default (ClockSpeed 1, no StartAt); refused at start outside the Development environment.
/// </summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";
    public const double MaxClockSpeed = 100_000;

    /// <summary>How many times faster than real time the service's clock runs (1 = real time). 8640 makes a day pass in 10 seconds.</summary>
    public double ClockSpeed { get; set; } = 1;

    /// <summary>The instant the service's clock shows when the host starts (e.g. 2026-03-02T09:00:00+08:00, a Monday); empty: the real now.</summary>
    public DateTimeOffset? StartAt { get; set; }

    /// <summary>
    /// Shortest real wait of a scaled timer: waits shorter than this stay as they are (polling intervals), longer ones
    /// shrink by ClockSpeed but not below it, so polling never spins. Default 0.5 s.
    /// </summary>
    public TimeSpan MinRealTimerPeriod { get; set; } = TimeSpan.FromMilliseconds(500);

    public bool Enabled => ClockSpeed != 1 || StartAt is not null;
}

public static class DemoClockRegistration
{
    /// <summary>
    /// Replaces the service's <see cref="TimeProvider"/> with the fast demo clock when section "Demo" asks for it; throws at
    /// start when it is asked for outside Development (a fast clock would break every real deadline).
    /// </summary>
    public static WebApplicationBuilder AddDemoClock(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DemoOptions.SectionName).Get<DemoOptions>() ?? new DemoOptions();
        builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection(DemoOptions.SectionName));
        if (!options.Enabled) return builder;

        var errors = new List<string>();
        if (!builder.Environment.IsDevelopment())
        {
            errors.Add($"Demo:ClockSpeed/Demo:StartAt set a fast demo clock, which is refused in the '{builder.Environment.EnvironmentName}' environment: it would break every real deadline. Remove the Demo section, or run a demonstration with ASPNETCORE_ENVIRONMENT=Development (./run.sh does).");
        }
        if (!(options.ClockSpeed >= 1 && options.ClockSpeed <= DemoOptions.MaxClockSpeed))
        {
            errors.Add($"Demo:ClockSpeed is {options.ClockSpeed}; use 1 (real time) to {DemoOptions.MaxClockSpeed} (8640 makes a day pass in 10 seconds).");
        }
        if (errors.Count > 0) throw new OptionsValidationException(DemoOptions.SectionName, typeof(DemoOptions), errors);

        builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(
            new DomainTimeProvider(TimeProvider.System, options.ClockSpeed, options.StartAt, options.MinRealTimerPeriod)));
        return builder;
    }
}
