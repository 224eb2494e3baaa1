namespace Orchestrator.Durable.Storage;

/// <summary>
/// Something an instance must still send after its commit: exactly one of <see cref="Activity"/> (to the
/// activity queue) or <see cref="Message"/> (to another instance's inbox; a Message whose event is
/// ExecutionStarted creates that instance). Outbox rows stay until the dispatcher deletes them, so a crash
/// after the commit only delays sending, and sending twice is harmless because ids are deterministic.
/// </summary>
internal sealed record OutboxEntry
{
    /// <summary>Unique within the instance, table-key safe.</summary>
    public required string Id { get; init; }
    public ActivityWorkItem? Activity { get; init; }
    public OrchestrationMessage? Message { get; init; }
}
