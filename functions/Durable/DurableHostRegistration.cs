using Microsoft.Extensions.Options;
using Orchestrator.Durable;

namespace Orchestrator.Functions.Durable;

/// <summary>Section "Diagnostics".</summary>
public sealed class DiagnosticsOptions
{
    public const string SectionName = "Diagnostics";

    /// <summary>Register the diagnostic orchestrations. Default: true in Development, false elsewhere.</summary>
    public bool? Enabled { get; set; }
}

public static class DurableHostRegistration
{
    /// <summary>Adds orchestrators/activities to the engine's registry (any time before <c>Build</c>, in any order).</summary>
    public static WebApplicationBuilder AddDurableRegistrations(this WebApplicationBuilder builder, Action<DurableTaskRegistry> register)
    {
        builder.Services.AddDurableTask(register);
        return builder;
    }

    /// <summary>
    /// The durable engine: options from section "Durable" (validated at start), the client, and the worker hosted
    /// service in this process unless Durable:Worker:Enabled is false. Diagnostic orchestrations when
    /// Diagnostics:Enabled (default on in Development).
    /// </summary>
    public static WebApplicationBuilder AddDurableEngine(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DurableTaskOptions>()
            .Bind(builder.Configuration.GetSection("Durable"))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DurableTaskOptions>, DurableTaskOptionsValidator>();

        var diagnostics = builder.Configuration.GetSection(DiagnosticsOptions.SectionName).Get<DiagnosticsOptions>() ?? new();
        var diagnosticsEnabled = diagnostics.Enabled ?? builder.Environment.IsDevelopment();
        services.Configure<DiagnosticsOptions>(o => o.Enabled = diagnosticsEnabled);

        services.AddDurableTask(registry =>
        {
            if (diagnosticsEnabled) registry.AddDiagnosticOrchestrations();
        });
        return builder;
    }
}

/// <summary>Start-time checks of section "Durable", with messages that say what to change.</summary>
internal sealed class DurableTaskOptionsValidator : IValidateOptions<DurableTaskOptions>
{
    public ValidateOptionsResult Validate(string? name, DurableTaskOptions options)
    {
        var errors = new List<string>();
        if (!string.Equals(options.Backend, DurableTaskOptions.AzureStorageBackend, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.Backend, DurableTaskOptions.InMemoryBackend, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Durable:Backend is '{options.Backend}'; use '{DurableTaskOptions.AzureStorageBackend}' or '{DurableTaskOptions.InMemoryBackend}'.");
        }
        else if (string.Equals(options.Backend, DurableTaskOptions.AzureStorageBackend, StringComparison.OrdinalIgnoreCase)
                 && string.IsNullOrWhiteSpace(options.AzureStorage.ConnectionString))
        {
            errors.Add("Durable:AzureStorage:ConnectionString is empty; give the storage account's connection string (on a developer machine the Azurite one from local.settings.sample.json), or set Durable:Backend=InMemory.");
        }
        if (string.IsNullOrWhiteSpace(options.AzureStorage.TaskHubName) || !options.AzureStorage.TaskHubName.All(char.IsAsciiLetterOrDigit)
            || !char.IsAsciiLetter(options.AzureStorage.TaskHubName[0]) || options.AzureStorage.TaskHubName.Length > 40)
        {
            errors.Add($"Durable:AzureStorage:TaskHubName '{options.AzureStorage.TaskHubName}' must be 1 to 40 letters and digits, starting with a letter (it prefixes table, queue and container names).");
        }
        if (options.MaxPayloadBytes <= 0) errors.Add("Durable:MaxPayloadBytes must be positive.");
        if (options.AzureStorage.WriteBehindWindow < TimeSpan.Zero || options.AzureStorage.WriteBehindWindow > TimeSpan.FromMinutes(1))
            errors.Add($"Durable:AzureStorage:WriteBehindWindow is {options.AzureStorage.WriteBehindWindow}; give 00:00:00 (off) up to 00:01:00 (other processes see an instance's progress at most this late).");
        var w = options.Worker;
        if (w.MaxConcurrentActivities < 1) errors.Add("Durable:Worker:MaxConcurrentActivities must be at least 1.");
        if (w.MaxConcurrentOrchestrations < 1) errors.Add("Durable:Worker:MaxConcurrentOrchestrations must be at least 1.");
        if (w.InstanceCacheSize < 0) errors.Add("Durable:Worker:InstanceCacheSize must be 0 (no cache) or more.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
