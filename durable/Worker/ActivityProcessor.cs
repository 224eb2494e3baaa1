using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Durable.Execution;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.Worker;

/// <summary>
/// Runs one leased activity work item: resolves the activity in a new DI scope, runs it, delivers the result to
/// the instance's inbox under the id derived from the scheduling event (so a second run's result is ignored),
/// wakes the instance, then completes the work item.
/// </summary>
internal sealed class ActivityProcessor(IOrchestrationStore store, OrchestrationCatalog catalog, IServiceScopeFactory scopes,
    TimeProvider time, Microsoft.Extensions.Options.IOptions<DurableTaskOptions> options, ILogger<ActivityProcessor> logger,
    InstanceLogScopes? logScopes = null)
{
    public async Task ProcessAsync(ActivityLease lease, CancellationToken ct)
    {
        var item = lease.WorkItem;
        using var logScope = logger.BeginScope((logScopes ?? InstanceLogScopes.Empty).For(item.InstanceId, item.Name));
        var visibility = options.Value.Worker.ActivityVisibilityTimeout;
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var currentLease = lease;
        var renewer = RenewLoopAsync();

        HistoryEvent resultEvent;
        try
        {
            resultEvent = await RunAsync(item, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            renewal.Cancel();
            return; // shutting down: the lease expires and another worker runs it
        }
        renewal.Cancel();
        await renewer.ConfigureAwait(false);

        var message = new OrchestrationMessage
        {
            Id = MessageIds.ActivityResult(item.ExecutionId, item.TaskScheduledId), TargetInstanceId = item.InstanceId,
            TargetExecutionId = item.ExecutionId, EnqueuedAt = time.GetUtcNow(), Event = resultEvent,
        };
        await store.DeliverMessagesAsync(item.InstanceId, [message], ct).ConfigureAwait(false);
        await store.SendWakeUpAsync(item.InstanceId, null, ct).ConfigureAwait(false);
        await store.CompleteActivityAsync(currentLease, ct).ConfigureAwait(false);

        async Task RenewLoopAsync()
        {
            try
            {
                while (true)
                {
                    await Task.Delay(visibility / 2, time, renewal.Token).ConfigureAwait(false);
                    currentLease = await store.RenewActivityLeaseAsync(currentLease, visibility, renewal.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Lost the lease of activity {Name} for {InstanceId}; it may run again elsewhere.", item.Name, item.InstanceId);
            }
        }
    }

    private async Task<HistoryEvent> RunAsync(ActivityWorkItem item, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var result = await RunCoreAsync(item, ct).ConfigureAwait(false);
        var elapsed = watch.Elapsed;
        var failed = result.EventType == HistoryEventType.TaskFailed;
        var activityTag = new KeyValuePair<string, object?>(DurableTelemetry.ActivityTag, item.Name);
        var outcomeTag = new KeyValuePair<string, object?>(DurableTelemetry.OutcomeTag, failed ? "failed" : "completed");
        DurableTelemetry.ActivityDuration.Record(elapsed.TotalSeconds, activityTag, outcomeTag);
        DurableTelemetry.Span($"activity {item.Name}", DateTimeOffset.UtcNow - elapsed,
            failed ? ActivityStatusCode.Error : ActivityStatusCode.Unset, result.FailureDetails?.ErrorMessage,
            new(DurableTelemetry.InstanceIdTag, item.InstanceId), activityTag, outcomeTag);
        return result;
    }

    private async Task<HistoryEvent> RunCoreAsync(ActivityWorkItem item, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var runner = catalog.CreateActivity(item.Name, scope.ServiceProvider)
                ?? throw new InvalidOperationException($"No activity named '{item.Name}' is registered on this worker. Register it with registry.AddActivity<...>().");
            var input = DurableJson.Deserialize(item.Input, runner.InputType);
            var output = await runner.RunAsync(new Context(item, ct), input).ConfigureAwait(false);
            var json = DurableJson.Serialize(output);
            PayloadGuard.Check(json, $"output of activity '{item.Name}'", options.Value.MaxPayloadBytes);
            return new HistoryEvent { EventType = HistoryEventType.TaskCompleted, Timestamp = now, TaskScheduledId = item.TaskScheduledId, Result = json };
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogDebug(ex, "Activity {Name} for {InstanceId} failed.", item.Name, item.InstanceId);
            return new HistoryEvent
            {
                EventType = HistoryEventType.TaskFailed, Timestamp = now, TaskScheduledId = item.TaskScheduledId,
                FailureDetails = TaskFailureDetails.FromException(ex),
            };
        }
    }

    private sealed class Context(ActivityWorkItem item, CancellationToken ct) : TaskActivityContext
    {
        public override string Name => item.Name;
        public override string InstanceId => item.InstanceId;
        public override CancellationToken CancellationToken => ct;
    }
}
