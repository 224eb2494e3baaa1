using Orchestrator.Durable.Execution;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.Worker;

/// <summary>
/// Sends an instance's outbox rows after its commit: activity work items to the activity queue, messages to
/// other instances' inboxes (plus a wake-up), sub-orchestration starts as instance creations; then deletes the
/// rows. Every step is idempotent, so a crash anywhere is repaired by dispatching again.
/// </summary>
internal sealed class OutboxDispatcher(IOrchestrationStore store, OrchestrationCatalog catalog, TimeProvider time)
{
    public async Task DispatchAsync(string instanceId, IReadOnlyList<OutboxEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
            return;
        var activities = entries.Where(e => e.Activity is not null).Select(e => e.Activity!).ToList();
        if (activities.Count > 0)
            await store.EnqueueActivitiesAsync(activities, ct).ConfigureAwait(false);

        foreach (var group in entries.Where(e => e.Message is not null).Select(e => e.Message!).GroupBy(m => m.TargetInstanceId))
        {
            var plain = new List<OrchestrationMessage>();
            foreach (var message in group)
            {
                if (message.Event.EventType == HistoryEventType.ExecutionStarted)
                    await StartChildAsync(message, ct).ConfigureAwait(false);
                else
                    plain.Add(message);
            }
            if (plain.Count > 0)
            {
                await store.DeliverMessagesAsync(group.Key, plain, ct).ConfigureAwait(false);
                await store.SendWakeUpAsync(group.Key, null, ct).ConfigureAwait(false);
            }
        }
        await store.DeleteOutboxAsync(instanceId, entries.Select(e => e.Id).ToList(), ct).ConfigureAwait(false);
    }

    private async Task StartChildAsync(OrchestrationMessage message, CancellationToken ct)
    {
        var e = message.Event;
        var now = time.GetUtcNow();
        var version = catalog.ResolveVersion(e.Name ?? "", e.Version);
        if (version is null)
        {
            await FailParentAsync(e, new UnknownOrchestratorException(e.Name ?? "", e.Version), now, ct).ConfigureAwait(false);
            return;
        }
        var (state, start) = InstanceFactory.NewExecution(message.TargetInstanceId, catalog.CanonicalName(e.Name!), version, e.Input, now,
            message.Id, parentInstanceId: e.ParentInstanceId, parentExecutionId: e.ParentExecutionId, parentTaskScheduledId: e.ParentTaskScheduledId);
        var result = await store.CreateInstanceAsync(state, start, ct).ConfigureAwait(false);
        if (result.Created || result.Existing?.StartMessageId == message.Id)
        {
            await store.SendWakeUpAsync(message.TargetInstanceId, null, ct).ConfigureAwait(false);
            return;
        }
        await FailParentAsync(e, new OrchestrationAlreadyExistsException(message.TargetInstanceId, result.Existing!.Status), now, ct).ConfigureAwait(false);
    }

    private async Task FailParentAsync(HistoryEvent start, Exception reason, DateTimeOffset now, CancellationToken ct)
    {
        if (start.ParentInstanceId is not { } parent || start.ParentExecutionId is not { } parentExec || start.ParentTaskScheduledId is not int taskId)
            return;
        var failure = new OrchestrationMessage
        {
            Id = MessageIds.SubOrchestrationResult(parentExec, taskId), TargetInstanceId = parent, TargetExecutionId = parentExec, EnqueuedAt = now,
            Event = new HistoryEvent
            {
                EventType = HistoryEventType.SubOrchestrationInstanceFailed, Timestamp = now, TaskScheduledId = taskId,
                FailureDetails = TaskFailureDetails.FromException(reason),
            },
        };
        await store.DeliverMessagesAsync(parent, [failure], ct).ConfigureAwait(false);
        await store.SendWakeUpAsync(parent, null, ct).ConfigureAwait(false);
    }
}
