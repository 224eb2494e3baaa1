namespace Orchestrator.Durable;

/// <summary>Bound from configuration section "Durable".</summary>
public sealed class DurableTaskOptions
{
    public const string InMemoryBackend = "InMemory";
    public const string AzureStorageBackend = "AzureStorage";

    /// <summary>"AzureStorage" (default) or "InMemory".</summary>
    public string Backend { get; set; } = AzureStorageBackend;
    public DurableTaskAzureStorageOptions AzureStorage { get; set; } = new();
    public DurableTaskWorkerOptions Worker { get; set; } = new();
    /// <summary>Largest serialized input, event payload or output accepted (default 4 MiB).</summary>
    public long MaxPayloadBytes { get; set; } = 4 * 1024 * 1024;
}

public sealed class DurableTaskAzureStorageOptions
{
    public string? ConnectionString { get; set; }
    /// <summary>Prefix of the tables, queues and blob container of this hub (letters and digits).</summary>
    public string TaskHubName { get; set; } = "orchestrator";

    /// <summary>
    /// Write-behind: episodes whose effects stay in this process (local activities and their results) are written
    /// together with the instance's next episode that has an outside effect, or after at most this long. Other
    /// processes see such progress (custom status, history) up to this much later; ends, timers, events and
    /// sub-orchestrations are never deferred, and this process always sees its own progress. Zero: write every
    /// episode before going on (each instance's state row is then never behind).
    /// </summary>
    public TimeSpan WriteBehindWindow { get; set; } = DefaultWriteBehindWindow;

    /// <summary>Start instances created in a process that also runs a worker in that process, without a queue round trip.</summary>
    public bool LocalStarts { get; set; } = true;

    internal static readonly TimeSpan DefaultWriteBehindWindow = TimeSpan.FromSeconds(2);
}

public sealed class DurableTaskWorkerOptions
{
    /// <summary>False: this process only uses the client (no episodes, no activities run here).</summary>
    public bool Enabled { get; set; } = true;
    public int MaxConcurrentActivities { get; set; } = 8;
    public int MaxConcurrentOrchestrations { get; set; } = 8;
    /// <summary>Instances kept in memory between episodes (like extended sessions); 0 disables the cache.</summary>
    public int InstanceCacheSize { get; set; } = 1000;
    /// <summary>Queue polling interval when the last poll found work is immediate; this is the wait after an empty poll.</summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Empty polls back off up to this interval.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How often to re-send wake-ups for instances whose next wake time has passed (crash repair, long timers).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Lease of a received activity work item; renewed while the activity runs.</summary>
    public TimeSpan ActivityVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>
    /// Longest one run of orchestrator code may hold its thread; beyond it the instance fails with an explanation
    /// (the code blocks: Task.Wait, .Result, Thread.Sleep, an endless loop). Awaiting context tasks does not count.
    /// </summary>
    public TimeSpan OrchestratorCodeTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Lease of a received wake-up notice while its episode runs.</summary>
    public TimeSpan OrchestrationVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
