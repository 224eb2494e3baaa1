namespace Orchestrator.Durable.AzureStorage;

/// <summary>
/// Test hooks at the points where a crash matters (between the rows of a multi-transaction commit and its final
/// state write, between a commit and its index update). Null in production; tests throw from them to simulate a
/// process dying there, fault-test workers call Environment.FailFast.
/// </summary>
internal sealed class StoreFaults
{
    /// <summary>Called after the intermediate transactions of a commit, before its final state-row write.</summary>
    public Action<string>? BeforeFinalStateWrite { get; set; }

    /// <summary>Called after a successful commit, before the index row is updated.</summary>
    public Action<string>? AfterCommitBeforeIndex { get; set; }
}
