using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.InMemory;

internal sealed class InMemoryOrchestrationStore(TimeProvider time) : IOrchestrationStore
{
    private readonly TimeProvider _time = time;
    public Task<CreateInstanceResult> CreateInstanceAsync(InstanceState state, OrchestrationMessage startMessage, CancellationToken ct) => throw new NotImplementedException();
    public Task<InstanceState?> GetInstanceAsync(string instanceId, CancellationToken ct) => throw new NotImplementedException();
    public Task<InstanceSnapshot?> LoadInstanceAsync(string instanceId, bool includeHistory, DateTimeOffset now, CancellationToken ct) => throw new NotImplementedException();
    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken ct) => throw new NotImplementedException();
    public Task<CommitResult> CommitEpisodeAsync(EpisodeCommit commit, string expectedETag, CancellationToken ct) => throw new NotImplementedException();
    public Task DeliverMessagesAsync(string instanceId, IReadOnlyList<OrchestrationMessage> messages, CancellationToken ct) => throw new NotImplementedException();
    public Task DeleteOutboxAsync(string instanceId, IReadOnlyList<string> outboxIds, CancellationToken ct) => throw new NotImplementedException();
    public Task<InstanceQueryPage> QueryInstancesAsync(InstanceQuery query, CancellationToken ct) => throw new NotImplementedException();
    public Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken ct) => throw new NotImplementedException();
    public Task<IReadOnlyList<string>> GetInstancesDueForWakeUpAsync(DateTimeOffset now, int maxCount, CancellationToken ct) => throw new NotImplementedException();
    public Task SendWakeUpAsync(string instanceId, DateTimeOffset? notBefore, CancellationToken ct) => throw new NotImplementedException();
    public Task<IReadOnlyList<WakeUpNotice>> ReceiveWakeUpsAsync(int maxCount, TimeSpan visibilityTimeout, CancellationToken ct) => throw new NotImplementedException();
    public Task CompleteWakeUpAsync(WakeUpNotice notice, CancellationToken ct) => throw new NotImplementedException();
    public Task EnqueueActivitiesAsync(IReadOnlyList<ActivityWorkItem> items, CancellationToken ct) => throw new NotImplementedException();
    public Task<IReadOnlyList<ActivityLease>> ReceiveActivitiesAsync(int maxCount, TimeSpan visibilityTimeout, CancellationToken ct) => throw new NotImplementedException();
    public Task<ActivityLease> RenewActivityLeaseAsync(ActivityLease lease, TimeSpan visibilityTimeout, CancellationToken ct) => throw new NotImplementedException();
    public Task CompleteActivityAsync(ActivityLease lease, CancellationToken ct) => throw new NotImplementedException();
}
