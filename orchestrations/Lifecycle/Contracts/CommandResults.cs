using System.Text.Json.Serialization;

namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>Outcome of a filing.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FileProjectOutcome>))]
public enum FileProjectOutcome
{
    /// <summary>A new project orchestration was started (HTTP 201/202).</summary>
    Created,
    /// <summary>The project code is already filed: the existing project is returned, nothing is started (HTTP 200).</summary>
    Existing,
    /// <summary>The request is invalid; <see cref="FileProjectResult.Errors"/> name the fields (HTTP 400, nothing stored).</summary>
    Invalid,
}

/// <summary>A validation error naming the field (for problem+json).</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>Result of <see cref="IProjectCommands.FileProjectAsync"/>.</summary>
public sealed record FileProjectResult(FileProjectOutcome Outcome, string ProjectCode, string? InstanceId, IReadOnlyList<FieldError> Errors, IReadOnlyList<string> Warnings)
{
    public static FileProjectResult Invalid(string projectCode, IReadOnlyList<FieldError> errors) => new(FileProjectOutcome.Invalid, projectCode, null, errors, []);
}

/// <summary>Outcome of a command addressed to a project or an item.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CommandOutcome>))]
public enum CommandOutcome
{
    /// <summary>Validated and raised; the orchestration applies it (HTTP 202).</summary>
    Applied,
    /// <summary>The same idempotency key was already applied: nothing new happened (HTTP 200 with the earlier result).</summary>
    Duplicate,
    /// <summary>No such project or item in the project (HTTP 404).</summary>
    NotFound,
    /// <summary>The item belongs to another department (HTTP 403, nothing recorded).</summary>
    NotYourDepartment,
    /// <summary>The item (or project) is not open for this (HTTP 409 with <see cref="CommandResult.State"/>).</summary>
    NotOpen,
    /// <summary>The request breaks a rule (second extension, ending a special procedure that is not running, bad fields): HTTP 409/422 with <see cref="CommandResult.Message"/>.</summary>
    Invalid,
}

/// <summary>Result of a command.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="InstanceId">The instance addressed (item round or project).</param>
/// <param name="State">The item's state when relevant (NotOpen, Applied).</param>
/// <param name="Message">Words for the caller.</param>
/// <param name="Errors">Field errors (Invalid).</param>
public sealed record CommandResult(CommandOutcome Outcome, string? InstanceId, ItemState? State, string Message, IReadOnlyList<FieldError>? Errors = null)
{
    public static CommandResult NotFound(string message) => new(CommandOutcome.NotFound, null, null, message);
}
