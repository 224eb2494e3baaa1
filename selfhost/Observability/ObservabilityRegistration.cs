using System.Diagnostics;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Orchestrator.SelfHost.Observability;

/// <summary>
/// OpenTelemetry for the host: traces of HTTP requests (ASP.NET Core) and of the engine (DTFx's own spans of
/// orchestrations, activities and timers: source "DurableTask.Core"); metrics of HTTP and SLAs (meter "Orchestrator.Sla");
/// logs with the scope properties InstanceId and ProjectCode on requests that name them. The exporter is chosen by Observability:Exporter (none, console, otlp).
/// </summary>
public static class ObservabilityRegistration
{
    private const string RegisteredKey = "Orchestrator.Observability";
    private const string CollectOnly = "collect";

    /// <summary>The ActivitySource of DurableTask.Core (orchestration, activity and timer spans).</summary>
    public const string DurableTaskCoreSource = "DurableTask.Core";

    /// <summary>Idempotent: the host calls it once, Telemetry's short form may call it again.</summary>
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        if (!((IHostApplicationBuilder)builder).Properties.TryAdd(RegisteredKey, true)) return builder;
        var section = builder.Configuration.GetSection(ObservabilityOptions.SectionName);
        var options = section.Get<ObservabilityOptions>() ?? new ObservabilityOptions();
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new OptionsValidationException(ObservabilityOptions.SectionName, typeof(ObservabilityOptions), errors);

        var services = builder.Services;
        services.AddOptions<ObservabilityOptions>().Bind(section);
        services.AddMetrics();
        services.AddSingleton<SlaTelemetry>();
        services.AddHostedService<SlaTelemetryRefresher>();

        if (options.ConsoleLogScopes)
        {
            services.Configure<SimpleConsoleFormatterOptions>(o => o.IncludeScopes = true);
            services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);
        }

        // Observability:Exporter when given; else the short form Telemetry:Enabled / Telemetry:ConsoleExporter.
        var shortForm = builder.Configuration.GetSection(Hosting.TelemetryOptions.SectionName).Get<Hosting.TelemetryOptions>() ?? new();
        var exporter = section["Exporter"] is { Length: > 0 } ? options.Exporter.ToLowerInvariant()
            : shortForm.Enabled ? (shortForm.ConsoleExporter ? ObservabilityOptions.ConsoleExporter : CollectOnly)
            : ObservabilityOptions.NoExporter;
        if (exporter == ObservabilityOptions.NoExporter) return builder;

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                    .AddSource(DurableTaskCoreSource, "Orchestrator.*")
                    .AddProcessor(new ProjectCodeSpanProcessor());
                if (exporter == ObservabilityOptions.ConsoleExporter) tracing.AddConsoleExporter();
                else if (exporter == ObservabilityOptions.OtlpExporter) tracing.AddOtlpExporter(o => Otlp(o, options));
            })
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddMeter(SlaTelemetry.MeterName, "Orchestrator.*");
                if (exporter == ObservabilityOptions.ConsoleExporter) metrics.AddConsoleExporter();
                else if (exporter == ObservabilityOptions.OtlpExporter) metrics.AddOtlpExporter(o => Otlp(o, options));
            })
            .WithLogging(logging =>
            {
                if (exporter == ObservabilityOptions.ConsoleExporter) logging.AddConsoleExporter();
                else if (exporter == ObservabilityOptions.OtlpExporter) logging.AddOtlpExporter(o => Otlp(o, options));
            }, o =>
            {
                o.IncludeScopes = true;
                o.IncludeFormattedMessage = true;
            });
        return builder;
    }

    /// <summary>
    /// Puts the route's instance id and project code (route values instanceId, projectCode) into the log scope and
    /// onto the request's span, so every log line of a request about a project or instance carries them.
    /// </summary>
    public static IApplicationBuilder UseObservabilityScopes(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Orchestrator.Requests");
        return app.Use(async (context, next) =>
        {
            var values = context.Request.RouteValues;
            var instanceId = values.TryGetValue("instanceId", out var i) ? i as string : null;
            var projectCode = values.TryGetValue("projectCode", out var p) ? p as string : ProjectCodes.FromInstanceId(instanceId);
            if (instanceId is null && projectCode is null)
            {
                await next(context);
                return;
            }
            var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (instanceId is not null)
            {
                scope["InstanceId"] = instanceId;
                Activity.Current?.SetTag(ProjectCodes.InstanceIdTag, instanceId);
            }
            if (projectCode is not null)
            {
                scope[ProjectCodes.ScopeProperty] = projectCode;
                Activity.Current?.SetTag(ProjectCodes.SpanTag, projectCode);
            }
            using (logger.BeginScope(scope)) await next(context);
        });
    }

    private static void Otlp(OtlpExporterOptions o, ObservabilityOptions options)
    {
        if (options.OtlpEndpoint is { Length: > 0 } endpoint) o.Endpoint = new Uri(endpoint);
        o.Protocol = options.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
    }
}
