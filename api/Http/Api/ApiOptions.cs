using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Http.Api;

/// <summary>Section "Api": the platform and department HTTP API under /api.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Larger request bodies are refused with 413 before anything is stored. Default 64 KiB (a filing is a few KiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Projects per page of GET /api/projects when pageSize is absent. Default 50.</summary>
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>The largest pageSize accepted. Default 200.</summary>
    public int MaxPageSize { get; set; } = 200;
}

internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var errors = new List<string>();
        if (options.MaxRequestBodyBytes < 1024) errors.Add($"Api:MaxRequestBodyBytes is {options.MaxRequestBodyBytes}; use at least 1024 bytes.");
        if (options.MaxPageSize < 1) errors.Add("Api:MaxPageSize must be at least 1.");
        if (options.DefaultPageSize < 1 || options.DefaultPageSize > options.MaxPageSize)
            errors.Add($"Api:DefaultPageSize is {options.DefaultPageSize}; use 1 to Api:MaxPageSize ({options.MaxPageSize}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
