using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.Execution;

/// <summary>The outcome of planning one episode: a commit (or nothing) and what to do once it succeeded.</summary>
/// <param name="Commit">Null: nothing to write.</param>
/// <param name="WakeUps">Wake-ups of this instance to send after the commit (timers; ContinueAsNew at once).</param>
internal sealed record EpisodePlan(EpisodeCommit? Commit, IReadOnlyList<DateTimeOffset?> WakeUps)
{
    public static EpisodePlan Nothing { get; } = new(null, []);
}
