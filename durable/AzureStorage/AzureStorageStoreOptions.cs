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

    /// <summary>
    /// Run activities scheduled by an episode of this process in this process, through an in-memory channel,
    /// instead of a round trip through the activity queue; their results go back to the instance in memory. The
    /// activity's outbox row (written by the commit) stays as its durable record until the result is committed:
    /// if the process dies, the sweep finds the instance (NextWakeAt is at most <see cref="LocalActivityRecheck"/>
    /// ahead) and the next worker to load it sends the row to the durable queue. False: every activity goes
    /// through the queue.
    /// </summary>
    public bool LocalDispatch { get; init; } = true;

    /// <summary>Most activities waiting or running in the local channel; beyond it they go to the durable queue (other workers share them).</summary>
    public int MaxLocalActivities { get; init; } = 1000;

    /// <summary>NextWakeAt of an instance with local activities out is at most this far ahead (crash recovery delay).</summary>
    public TimeSpan LocalActivityRecheck { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Start instances created by this process's client in this process (when a worker runs here) through the
    /// in-memory channel instead of a notice on the wake-up queue (a send, a receive and a delete). If the process
    /// dies first, the sweep finds the Pending instance after <see cref="IndexRecheckAfter"/> and starts it.
    /// </summary>
    public bool LocalStarts { get; init; } = true;

    /// <summary>Local starts wait behind at most this many local wake-ups; beyond it starts go to the queue (other workers share them).</summary>
    public int MaxLocalStartBacklog { get; init; } = 256;

    /// <summary>
    /// Write-behind: an episode whose every effect stays in this process (it only schedules activities for the
    /// local channel and consumes their results or stored messages) is committed in memory, and written together
    /// with the instance's next episode that has an outside effect (a timer, a message, a sub-orchestration, the
    /// end) or at the latest after this long; a HelloSequence of five activities then costs two commits instead of
    /// six. Other processes (and the sweep) see the instance's progress up to this much later; a crash loses only
    /// work that replay redoes. Zero: every episode is written before the engine goes on.
    /// </summary>
    public TimeSpan WriteBehindWindow { get; init; } = DurableTaskAzureStorageOptions.DefaultWriteBehindWindow;

    /// <summary>Most rows a write-behind set may collect before it is written (one table transaction holds 100).</summary>
    public int WriteBehindMaxRows { get; init; } = 90;

    /// <summary>Instances whose state this process keeps in memory (for episodes without a storage read).</summary>
    public int MaxHotInstances { get; init; } = 50_000;

    /// <summary>While local work flows, the durable queues are still polled at least this often.</summary>
    public TimeSpan DurablePollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>An empty receive waits up to this long for local work before returning nothing.</summary>
    public TimeSpan LocalWait { get; init; } = TimeSpan.FromMilliseconds(250);
}
