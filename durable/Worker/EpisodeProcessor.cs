using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orchestrator.Durable.Execution;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.Worker;

internal enum EpisodeOutcome { Idle, Committed, Conflict }

/// <summary>
/// Runs episodes of one instance: load (or reuse the cached copy), dispatch leftovers, plan, commit on the ETag,
/// then dispatch and arm timers. A conflict means another worker advanced the instance: evict and try again.
/// </summary>
internal sealed class EpisodeProcessor(IOrchestrationStore store, EpisodePlanner planner, OutboxDispatcher dispatcher,
    InstanceCache cache, TimeProvider time, ILogger<EpisodeProcessor> logger, InstanceLogScopes? scopes = null)
{
    private const int MaxConflictRetries = 10;

    public InstanceCache Cache => cache;

    /// <summary>Runs an episode of the instance, retrying on ETag conflicts. Messages arriving meanwhile bring their own wake-ups.</summary>
    public async Task RunAsync(string instanceId, CancellationToken ct)
    {
        using var logScope = logger.BeginScope((scopes ?? InstanceLogScopes.Empty).For(instanceId));
        for (var attempt = 0; attempt < MaxConflictRetries; attempt++)
        {
            var outcome = await RunOnceAsync(instanceId, ct).ConfigureAwait(false);
            if (outcome != EpisodeOutcome.Conflict)
                return;
            cache.Evict(instanceId);
            logger.LogDebug("Episode of {InstanceId} lost an ETag race; retrying from storage.", instanceId);
        }
        throw new InvalidOperationException($"Instance '{instanceId}' kept conflicting with other writers; its wake-up will be retried.");
    }

    internal async Task<EpisodeOutcome> RunOnceAsync(string instanceId, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var telemetry = new EpisodeTelemetry();
        try
        {
            var outcome = await RunOnceCoreAsync(instanceId, telemetry, ct).ConfigureAwait(false);
            if (telemetry.Name is not null && (outcome != EpisodeOutcome.Idle || telemetry.Committed))
                Record(instanceId, telemetry, outcome == EpisodeOutcome.Conflict ? "conflict" : "committed", watch, null);
            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Record(instanceId, telemetry, "failed", watch, ex.Message);
            throw;
        }
    }

    /// <summary>What the episode learnt for its telemetry (the orchestration's name is known once the instance is loaded).</summary>
    private sealed class EpisodeTelemetry
    {
        public string? Name;
        public bool Committed;
    }

    private static void Record(string instanceId, EpisodeTelemetry telemetry, string outcome, Stopwatch watch, string? error)
    {
        var name = telemetry.Name ?? "(unknown)";
        var elapsed = watch.Elapsed;
        var orchestration = new KeyValuePair<string, object?>(DurableTelemetry.OrchestrationTag, name);
        var outcomeTag = new KeyValuePair<string, object?>(DurableTelemetry.OutcomeTag, outcome);
        DurableTelemetry.Episodes.Add(1, orchestration, outcomeTag);
        DurableTelemetry.EpisodeDuration.Record(elapsed.TotalSeconds, orchestration, outcomeTag);
        DurableTelemetry.Span($"episode {name}", DateTimeOffset.UtcNow - elapsed,
            outcome == "failed" ? ActivityStatusCode.Error : ActivityStatusCode.Unset, error,
            new(DurableTelemetry.InstanceIdTag, instanceId), orchestration, outcomeTag);
    }

    private static void RecordCommitted(EpisodeCommit commit, InstanceState before)
    {
        var orchestration = new KeyValuePair<string, object?>(DurableTelemetry.OrchestrationTag, commit.NewState.Name);
        foreach (var e in commit.NewHistory)
        {
            switch (e.EventType)
            {
                case HistoryEventType.TimerFired when e.FireAt is { } fireAt:
                    DurableTelemetry.TimerLateness.Record(Math.Max(0, (e.Timestamp - fireAt).TotalSeconds), orchestration);
                    break;
                case HistoryEventType.ExecutionStarted:
                    DurableTelemetry.OrchestrationsStarted.Add(1, orchestration);
                    break;
            }
        }
        if (commit.NewState.IsTerminal && (!before.IsTerminal || commit.NewState.ExecutionId != before.ExecutionId))
            DurableTelemetry.OrchestrationsEnded.Add(1, orchestration, new(DurableTelemetry.StatusTag, commit.NewState.Status.ToString()));
    }

    private async Task<EpisodeOutcome> RunOnceCoreAsync(string instanceId, EpisodeTelemetry telemetry, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var cached = cache.TryGet(instanceId);
        var snapshot = await store.LoadInstanceAsync(instanceId, includeHistory: cached is null, now, ct).ConfigureAwait(false);
        if (snapshot is null)
        {
            cache.Evict(instanceId);
            return EpisodeOutcome.Idle;
        }
        telemetry.Name = snapshot.State.Name;

        List<HistoryEvent> history;
        var fresh = cached is not null && cached.ETag == snapshot.ETag;
        var live = fresh && cached!.Executor is { IsReusable: true } ? cached.Executor : null;
        if (fresh)
            history = cached!.History;
        else if (snapshot.History is not null)
            history = snapshot.History.ToList();
        else
            history = (await store.GetHistoryAsync(instanceId, ct).ConfigureAwait(false)).ToList();
        if (history.Count != snapshot.State.HistoryLength)
            return EpisodeOutcome.Conflict; // read raced with a commit

        if (snapshot.Outbox.Count > 0)
            await dispatcher.DispatchAsync(instanceId, snapshot.Outbox, ct).ConfigureAwait(false);

        // A live executor is handed to the planner, which may advance it: from here on it is valid only if the
        // commit succeeds, so take it out of the cache first.
        if (live is not null)
            cache.Put(instanceId, cached! with { Executor = null });
        var plan = planner.Plan(snapshot.State, history, snapshot.ReadyInbox, now, live);
        if (plan.Commit is null)
        {
            if (!snapshot.State.IsTerminal)
                cache.Put(instanceId, new InstanceCache.Entry(snapshot.ETag, snapshot.State, history, live));
            return EpisodeOutcome.Idle;
        }

        var commit = plan.Commit;
        var result = await store.CommitEpisodeAsync(commit, snapshot.ETag, ct).ConfigureAwait(false);
        if (!result.Succeeded)
            return EpisodeOutcome.Conflict;
        telemetry.Committed = true;
        RecordCommitted(commit, snapshot.State);

        OrchestrationExecutor? keep = null;
        if (plan.Executor is { } executor && plan.Result is { Outcome: ExecutionOutcome.Running } ran)
        {
            executor.MarkCommitted(ran);
            keep = executor.IsReusable ? executor : null;
        }
        else if (plan.Executor is not null && plan.Result is null)
        {
            keep = plan.Executor; // advanced by nothing (an idle episode): still matches the history
        }

        if (commit.NewState.IsTerminal)
        {
            cache.Evict(instanceId);
        }
        else
        {
            var sameExecution = commit.NewState.ExecutionId == snapshot.State.ExecutionId;
            var newHistory = sameExecution ? history : [];
            newHistory.AddRange(commit.NewHistory);
            cache.Put(instanceId, new InstanceCache.Entry(result.NewETag!, commit.NewState, newHistory, sameExecution ? keep : null));
        }

        await dispatcher.DispatchAsync(instanceId, commit.NewOutbox, ct).ConfigureAwait(false);
        foreach (var wakeAt in plan.WakeUps.Distinct())
            await store.SendWakeUpAsync(instanceId, wakeAt, ct).ConfigureAwait(false);
        if (commit.NewState.IsTerminal && commit.NewState.Status != snapshot.State.Status)
            logger.LogInformation("Orchestration {Name} {InstanceId} is {Status}.", commit.NewState.Name, instanceId, commit.NewState.Status);
        return commit.ConsumedMessageIds.Count == 0 && commit.NewInboxMessages.Count == 0 && commit.NewHistory.Count == 0
            ? EpisodeOutcome.Idle
            : EpisodeOutcome.Committed;
    }
}
