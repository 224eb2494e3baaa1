using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.Execution;

/// <summary>The outcome of planning one episode: a commit (or nothing) and what to do once it succeeded.</summary>
/// <param name="Commit">Null: nothing to write.</param>
/// <param name="WakeUps">Wake-ups of this instance to send after the commit (timers; ContinueAsNew at once).</param>
/// <param name="Executor">The executor that ran the code, to keep (live) if the commit succeeds and it is reusable.</param>
/// <param name="Result">What the executor reported in this episode.</param>
internal sealed record EpisodePlan(EpisodeCommit? Commit, IReadOnlyList<DateTimeOffset?> WakeUps,
    OrchestrationExecutor? Executor = null, ExecutionResult? Result = null)
{
    public static EpisodePlan Nothing { get; } = new(null, []);
}
