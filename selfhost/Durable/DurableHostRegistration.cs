using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;
using Orchestrator.Durable.Diagnostics;
using Orchestrator.Durable.Hosting;
using Orchestrator.Orchestrations.DomainData;

namespace Orchestrator.SelfHost.Durable;

/// <summary>Section "Diagnostics".</summary>
public sealed class DiagnosticsOptions
{
    public const string SectionName = "Diagnostics";

    /// <summary>Register the diagnostic orchestrations. Default: true in Development, false elsewhere.</summary>
    public bool? Enabled { get; set; }
}

public static class DurableHostRegistration
{
    /// <summary>
    /// Adds orchestrators/activities to the worker's registry (what Microsoft's AddTasks configures; any time before
    /// <c>Build</c>). Only the registry options: calling AddDurableTaskWorker here would also register the hosted worker,
    /// which then fails the start of an API-only process (Durable:Worker:Enabled=false) for want of a build target.
    /// </summary>
    public static WebApplicationBuilder AddDurableRegistrations(this WebApplicationBuilder builder, Action<DurableTaskRegistry> register)
    {
        builder.Services.Configure(Microsoft.Extensions.Options.Options.DefaultName, register);
        return builder;
    }

    /// <summary>
    /// The engine: DTFx on Azure Storage (section "Durable", validated at start), the <c>DurableTaskClient</c>, and the
    /// worker in this process unless Durable:Worker:Enabled is false; the service's JSON (<see cref="DomainJson.Wire"/>) as
    /// the data converter of both. Diagnostic orchestrations when Diagnostics:Enabled (default on in Development).
    /// </summary>
    public static WebApplicationBuilder AddDurableEngine(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<DataConverter>(new JsonDataConverter(DomainJson.Wire));
        services.AddDurableTaskAzureStorage(builder.Configuration.GetSection("Durable"));

        var diagnostics = builder.Configuration.GetSection(DiagnosticsOptions.SectionName).Get<DiagnosticsOptions>() ?? new();
        var diagnosticsEnabled = diagnostics.Enabled ?? builder.Environment.IsDevelopment();
        services.Configure<DiagnosticsOptions>(o => o.Enabled = diagnosticsEnabled);
        if (diagnosticsEnabled) builder.AddDurableRegistrations(registry => registry.AddDiagnosticOrchestrations());
        return builder;
    }
}
