using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.Tests.Engine;

/// <summary>Delegates to a real store and lets a test run code just before a commit (to stage races).</summary>
internal sealed class InterceptingStore(IOrchestrationStore inner) : IOrchestrationStore
{
    public Func<EpisodeCommit, Task>? BeforeCommit { get; set; }
    /// <summary>Number of coming EnqueueActivitiesAsync calls that fail (a crash right after the commit).</summary>
    public int FailEnqueues { get; set; }
    /// <summary>Wake-ups for which this returns true are lost.</summary>
    public Func<string, DateTimeOffset?, bool>? DropWakeUp { get; set; }
    public int Conflicts { get; private set; }

    public async Task<CommitResult> CommitEpisodeAsync(EpisodeCommit commit, string expectedETag, CancellationToken ct)
    {
        if (BeforeCommit is { } hook)
        {
            BeforeCommit = null;
            await hook(commit);
        }
        var result = await inner.CommitEpisodeAsync(commit, expectedETag, ct);
        if (!result.Succeeded)
            Conflicts++;
        return result;
    }

    public Task<CreateInstanceResult> CreateInstanceAsync(InstanceState state, OrchestrationMessage startMessage, CancellationToken ct) => inner.CreateInstanceAsync(state, startMessage, ct);
    public Task<InstanceState?> GetInstanceAsync(string instanceId, CancellationToken ct) => inner.GetInstanceAsync(instanceId, ct);
    public Task<InstanceSnapshot?> LoadInstanceAsync(string instanceId, bool includeHistory, DateTimeOffset now, CancellationToken ct) => inner.LoadInstanceAsync(instanceId, includeHistory, now, ct);
    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken ct) => inner.GetHistoryAsync(instanceId, ct);
    public Task DeliverMessagesAsync(string instanceId, IReadOnlyList<OrchestrationMessage> messages, CancellationToken ct) => inner.DeliverMessagesAsync(instanceId, messages, ct);
    public Task DeleteOutboxAsync(string instanceId, IReadOnlyList<string> outboxIds, CancellationToken ct) => inner.DeleteOutboxAsync(instanceId, outboxIds, ct);
    public Task<InstanceQueryPage> QueryInstancesAsync(InstanceQuery query, CancellationToken ct) => inner.QueryInstancesAsync(query, ct);
    public Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken ct) => inner.PurgeInstanceAsync(instanceId, ct);
    public Task<IReadOnlyList<string>> GetInstancesDueForWakeUpAsync(DateTimeOffset now, int maxCount, CancellationToken ct) => inner.GetInstancesDueForWakeUpAsync(now, maxCount, ct);
    public Task SendWakeUpAsync(string instanceId, DateTimeOffset? notBefore, CancellationToken ct)
        => DropWakeUp?.Invoke(instanceId, notBefore) == true ? Task.CompletedTask : inner.SendWakeUpAsync(instanceId, notBefore, ct);
    public Task<IReadOnlyList<WakeUpNotice>> ReceiveWakeUpsAsync(int maxCount, TimeSpan visibilityTimeout, CancellationToken ct) => inner.ReceiveWakeUpsAsync(maxCount, visibilityTimeout, ct);
    public Task CompleteWakeUpAsync(WakeUpNotice notice, CancellationToken ct) => inner.CompleteWakeUpAsync(notice, ct);
    public Task EnqueueActivitiesAsync(IReadOnlyList<ActivityWorkItem> items, CancellationToken ct)
    {
        if (FailEnqueues > 0)
        {
            FailEnqueues--;
            throw new IOException("simulated crash before the activity queue write");
        }
        return inner.EnqueueActivitiesAsync(items, ct);
    }
    public Task<IReadOnlyList<ActivityLease>> ReceiveActivitiesAsync(int maxCount, TimeSpan visibilityTimeout, CancellationToken ct) => inner.ReceiveActivitiesAsync(maxCount, visibilityTimeout, ct);
    public Task<ActivityLease> RenewActivityLeaseAsync(ActivityLease lease, TimeSpan visibilityTimeout, CancellationToken ct) => inner.RenewActivityLeaseAsync(lease, visibilityTimeout, ct);
    public Task CompleteActivityAsync(ActivityLease lease, CancellationToken ct) => inner.CompleteActivityAsync(lease, ct);
}
