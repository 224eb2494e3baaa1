namespace Orchestrator.Durable.AzureStorage;

/// <summary>Settings of the Azure Storage store (built from DurableTaskOptions; internal knobs have defaults).</summary>
internal sealed record AzureStorageStoreOptions
{
    public required string ConnectionString { get; init; }
    public required string TaskHubName { get; init; }

    /// <summary>Largest payload (input, event, output) accepted; the store refuses bigger ones before writing anything.</summary>
    public long MaxPayloadBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// A non-terminal instance's index row is re-checked against its state row this long after the index was
    /// written (then at doubling intervals), which repairs an index left behind by a crash between a commit and
    /// its index update.
    /// </summary>
    public TimeSpan IndexRecheckAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest re-check interval for an instance with nothing due (waiting for an event).</summary>
    public TimeSpan IndexRecheckMax { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Longest visibility delay of a queue message (service limit 7 days). A wake-up for a later time arrives
    /// early; the engine sees the timer is not due and re-arms.
    /// </summary>
    public TimeSpan MaxQueueDelay { get; init; } = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);
}
