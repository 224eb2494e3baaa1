namespace Orchestrator.Durable;

public sealed class InvalidInstanceIdException(string? instanceId, string reason)
    : ArgumentException($"Instance id '{instanceId}' is not allowed: {reason}. Use 1 to {MaxLength} characters without '/', '\\', '#', '?' or control characters.")
{
    public const int MaxLength = 256;
    public string? InstanceId { get; } = instanceId;
}
