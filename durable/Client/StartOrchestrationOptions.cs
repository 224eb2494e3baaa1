namespace Orchestrator.Durable;

public sealed class StartOrchestrationOptions
{
    /// <summary>Default: a new Guid ("N" format). See <see cref="InvalidInstanceIdException"/> for what is allowed.</summary>
    public string? InstanceId { get; init; }
    /// <summary>Default: the newest registered version of the orchestrator.</summary>
    public string? Version { get; init; }
    /// <summary>Start later: the instance stays Pending until then.</summary>
    public DateTimeOffset? StartAt { get; init; }
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}
