namespace Orchestrator.SelfHost.Observability;

/// <summary>Section "Observability".</summary>
public sealed class ObservabilityOptions
{
    public const string SectionName = "Observability";

    public const string NoExporter = "none";
    public const string ConsoleExporter = "console";
    public const string OtlpExporter = "otlp";
    public static readonly IReadOnlyList<string> Exporters = [NoExporter, ConsoleExporter, OtlpExporter];

    /// <summary>
    /// Where OpenTelemetry traces, metrics and logs go: "none" (default: nothing is exported; the ActivitySource and
    /// Meters still exist for dotnet-counters / dotnet-trace), "console" (stdout), or "otlp" (an OpenTelemetry
    /// collector at <see cref="OtlpEndpoint"/>, else OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4317).
    /// </summary>
    public string Exporter { get; set; } = NoExporter;

    /// <summary>Collector address for the otlp exporter, e.g. http://collector:4317 (gRPC) or http://collector:4318 with OtlpProtocol http/protobuf.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>"grpc" (default) or "http/protobuf".</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>service.name of the exported telemetry.</summary>
    public string ServiceName { get; set; } = "orchestrator";

    /// <summary>How often the SLA gauges are refreshed from the lifecycle's SLA board; 0 turns the refresh off (the dashboard still refreshes them).</summary>
    public TimeSpan SlaRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Show log scopes (InstanceId, ProjectCode, ...) in the console log.</summary>
    public bool ConsoleLogScopes { get; set; } = true;

    public IEnumerable<string> Validate()
    {
        if (!string.IsNullOrEmpty(Exporter) && !Exporters.Contains(Exporter, StringComparer.OrdinalIgnoreCase))
            yield return $"Observability:Exporter is '{Exporter}'; use one of {string.Join(", ", Exporters)}.";
        if (OtlpEndpoint is { Length: > 0 } && !Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out _))
            yield return $"Observability:OtlpEndpoint '{OtlpEndpoint}' is not an absolute URI such as http://collector:4317.";
        if (OtlpProtocol is not ("grpc" or "http/protobuf"))
            yield return $"Observability:OtlpProtocol is '{OtlpProtocol}'; use grpc or http/protobuf.";
        if (SlaRefreshInterval < TimeSpan.Zero)
            yield return "Observability:SlaRefreshInterval must be zero (off) or positive, e.g. 00:05:00.";
        if (string.IsNullOrWhiteSpace(ServiceName))
            yield return "Observability:ServiceName must not be empty.";
    }
}
