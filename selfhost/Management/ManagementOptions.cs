using Microsoft.Extensions.Options;

namespace Orchestrator.SelfHost.Management;

/// <summary>Section "Management": the management HTTP API.</summary>
public sealed class ManagementOptions
{
    public const string SectionName = "Management";

    /// <summary>False: this process serves no management API (a worker-only process still answers /health).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Larger request bodies are refused with 413 before they are read. Default 1 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Instances per page of GET instances when ?top is absent.</summary>
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>The largest ?top accepted.</summary>
    public int MaxPageSize { get; set; } = 1000;
}

internal sealed class ManagementOptionsValidator : IValidateOptions<ManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagementOptions options)
    {
        var errors = new List<string>();
        if (options.MaxRequestBodyBytes < 1024) errors.Add($"Management:MaxRequestBodyBytes is {options.MaxRequestBodyBytes}; use at least 1024 bytes.");
        if (options.MaxPageSize < 1) errors.Add("Management:MaxPageSize must be at least 1.");
        if (options.DefaultPageSize < 1 || options.DefaultPageSize > options.MaxPageSize)
            errors.Add($"Management:DefaultPageSize is {options.DefaultPageSize}; use 1 to Management:MaxPageSize ({options.MaxPageSize}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
