using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Orchestrator.Functions.Hosting;

/// <summary>Section "Telemetry": OpenTelemetry traces and metrics of the HTTP server (and of any "Orchestrator.*" source).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>Collect traces and metrics. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Write them to the console (for a developer; deployments add their own exporter here).</summary>
    public bool ConsoleExporter { get; set; }
}

public static class TelemetryRegistration
{
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.Configure<TelemetryOptions>(builder.Configuration.GetSection(TelemetryOptions.SectionName));
        if (!options.Enabled) return builder;

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("orchestrator"))
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => context.Request.Path != "/health")
                    .AddSource("Orchestrator.*");
                if (options.ConsoleExporter) tracing.AddConsoleExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddMeter("Orchestrator.*");
                if (options.ConsoleExporter) metrics.AddConsoleExporter();
            });
        return builder;
    }
}
