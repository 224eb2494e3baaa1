namespace Orchestrator.Durable.AzureStorage;

/// <summary>
/// Test hooks at the points where a crash matters. Null in production; in-process tests throw from them to
/// simulate a process dying there, the fault-test worker process calls Environment.FailFast.
/// </summary>
internal sealed class StoreFaults
{
    // Points passed to Hit, in the order an episode and its activity reach them.
    public const string BeforeCommit = "BeforeCommit";
    public const string AfterHistoryWrite = "AfterHistoryWrite";           // multi-transaction commit: rows written, state row not yet
    public const string AfterCommitBeforeDispatch = "AfterCommitBeforeDispatch";
    public const string AfterDispatchBeforeOutboxDelete = "AfterDispatchBeforeOutboxDelete";
    public const string AfterActivityBeforeResult = "AfterActivityBeforeResult";
    public const string BeforeWakeUp = "BeforeWakeUp";
    public const string AfterResultBeforeActivityComplete = "AfterResultBeforeActivityComplete";
    public const string AfterEpisodeBeforeWakeUpComplete = "AfterEpisodeBeforeWakeUpComplete";

    public static readonly string[] All =
    [
        BeforeCommit, AfterHistoryWrite, AfterCommitBeforeDispatch, AfterDispatchBeforeOutboxDelete,
        AfterActivityBeforeResult, BeforeWakeUp, AfterResultBeforeActivityComplete, AfterEpisodeBeforeWakeUpComplete,
    ];

    /// <summary>Called with (point, instance id) at every point above.</summary>
    public Action<string, string>? Hit { get; set; }

    /// <summary>Called after the intermediate transactions of a commit, before its final state-row write.</summary>
    public Action<string>? BeforeFinalStateWrite { get; set; }

    /// <summary>Called after a successful commit, before the index row is updated.</summary>
    public Action<string>? AfterCommitBeforeIndex { get; set; }

    internal void At(string point, string instanceId) => Hit?.Invoke(point, instanceId);
}
