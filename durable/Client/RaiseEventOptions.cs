namespace Orchestrator.Durable;

public sealed class RaiseEventOptions
{
    /// <summary>Raises with the same key on the same instance execution are applied once (for retried requests).</summary>
    public string? IdempotencyKey { get; init; }
}
