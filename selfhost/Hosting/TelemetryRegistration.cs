namespace Orchestrator.SelfHost.Hosting;

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
    /// <summary>
    /// The short form of Observability (functions/Observability): Telemetry:Enabled collects traces and metrics,
    /// Telemetry:ConsoleExporter prints them. Observability:Exporter (none, console, otlp), when set, takes precedence.
    /// </summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<TelemetryOptions>(builder.Configuration.GetSection(TelemetryOptions.SectionName));
        return Observability.ObservabilityRegistration.AddObservability(builder);
    }
}
