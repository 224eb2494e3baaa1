using Orchestrator.Durable.AzureStorage;
using Orchestrator.Durable.Storage;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Durable.Tests.AzureStorage;

/// <summary>
/// Write-behind: episodes whose effects stay in this process (local activities and their results) are committed in
/// memory and written with the next episode that has an outside effect, or when the window passes.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class WriteBehindTests(AzuriteFixture fixture) : StoreTestBase(fixture)
{
    // A window long enough that nothing is written behind the tests' backs (except where a test uses its own store),
    // and sweep intervals longer still: writing behind is allowed only while the sweep would not find the stored state
    // within two windows.
    internal override AzureStorageStoreOptions Options(string hub) => base.Options(hub) with
    {
        WriteBehindWindow = TimeSpan.FromMinutes(5),
        LocalActivityRecheck = TimeSpan.FromHours(1),
        IndexRecheckAfter = TimeSpan.FromHours(1),
    };

    /// <summary>Creates the instance and commits its first episode (one local activity scheduled); returns that episode's snapshot.</summary>
    private async Task<(InstanceSnapshot Loaded, CommitResult Result)> StartWithLocalActivityAsync(string id, AzureStorageOrchestrationStore? store = null)
    {
        store ??= Store;
        Assert.True((await store.CreateInstanceAsync(NewState(id), StartMessage(id), Ct)).Created);
        var loaded = (await store.LoadInstanceAsync(id, includeHistory: true, Clock.GetUtcNow(), Ct))!;
        var result = await store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = id,
            NewState = loaded.State with { Status = OrchestrationRuntimeStatus.Running, HistoryLength = 3 },
            NewHistory = [new() { EventType = HistoryEventType.OrchestratorStarted, Timestamp = Start }, loaded.ReadyInbox[0].Event, Scheduled(0)],
            ConsumedMessageIds = [loaded.ReadyInbox[0].Id],
            NewOutbox = [ActivityOutbox(id, 0)],
        }, loaded.ETag, Ct);
        Assert.True(result.Succeeded);
        return (loaded, result);
    }

    /// <summary>Runs the local activity as the worker would: dispatch to the local channel, deliver its result in memory.</summary>
    private async Task RunLocalActivityAsync(string id)
    {
        var snapshot = (await Store.LoadInstanceAsync(id, includeHistory: false, Clock.GetUtcNow(), Ct))!;
        var activity = Assert.Single(snapshot.Outbox).Activity!;
        await Store.EnqueueActivitiesAsync([activity], Ct);
        await Store.DeleteOutboxAsync(id, snapshot.Outbox.Select(o => o.Id).ToList(), Ct);
        var lease = Assert.Single(await Store.ReceiveActivitiesAsync(1, TimeSpan.FromMinutes(1), Ct));
        Assert.Equal(activity.Id, lease.WorkItem.Id);
        // The result under the id the engine gives it, which the local channel expects.
        await Store.DeliverMessagesAsync(id, [TaskCompleted(id, 0) with { Id = Execution.MessageIds.ActivityResult("e1", 0) }], Ct);
        await Store.CompleteActivityAsync(lease, Ct);
    }

    [Fact]
    public async Task Episodes_that_only_run_local_activities_are_written_with_the_episode_that_ends_the_instance()
    {
        const string id = "wb-end";
        await StartWithLocalActivityAsync(id);
        var other = SecondStore(); // what every other process sees: storage

        // Storage still holds the created instance; this process already sees it running.
        var stored = await other.GetInstanceAsync(id, Ct);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, stored!.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await Store.GetInstanceAsync(id, Ct))!.Status);

        await RunLocalActivityAsync(id);
        Assert.Equal(0, (await other.GetInstanceAsync(id, Ct))!.HistoryLength);
        Store.Counter.Reset();
        var loaded = (await Store.LoadInstanceAsync(id, includeHistory: false, Clock.GetUtcNow(), Ct))!;
        var result = Assert.Single(loaded.ReadyInbox);
        var end = await Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = id,
            NewState = loaded.State with { Status = OrchestrationRuntimeStatus.Completed, Output = "\"done\"", HistoryLength = 6 },
            NewHistory =
            [
                new() { EventType = HistoryEventType.OrchestratorStarted, Timestamp = Start }, result.Event,
                new() { EventType = HistoryEventType.ExecutionCompleted, Timestamp = Start, Result = "\"done\"" },
            ],
            ConsumedMessageIds = [result.Id],
        }, loaded.ETag, Ct);
        Assert.True(end.Succeeded);

        // Both episodes in one transaction (the consumed start message's delete rides in it); the index row's group
        // commit runs in the background and may or may not have been counted yet.
        var ops = Store.Counter.Snapshot();
        Assert.InRange(ops.GetValueOrDefault("table.batch"), 1, 2);
        Assert.Equal(0, ops.GetValueOrDefault("table.query") + ops.GetValueOrDefault("table.get"));
        var final = (await other.LoadInstanceAsync(id, includeHistory: true, Clock.GetUtcNow(), Ct))!;
        Assert.Equal(OrchestrationRuntimeStatus.Completed, final.State.Status);
        Assert.Equal([HistoryEventType.OrchestratorStarted, HistoryEventType.ExecutionStarted, HistoryEventType.TaskScheduled,
                HistoryEventType.OrchestratorStarted, HistoryEventType.TaskCompleted, HistoryEventType.ExecutionCompleted],
            final.History!.Select(h => h.EventType));
        Assert.Empty(final.ReadyInbox); // the start message is gone
        Assert.Empty(final.Outbox);     // the activity's row never reached storage
    }

    [Fact]
    public async Task Unwritten_episodes_are_written_when_the_window_passes_without_a_next_episode()
    {
        const string id = "wb-window";
        var store = new AzureStorageOrchestrationStore(base.Options(Store.Hub.TaskHubName) with { WriteBehindWindow = TimeSpan.FromMilliseconds(300) }, Clock);
        await StartWithLocalActivityAsync(id, store);
        var other = SecondStore();
        Assert.Equal(0, (await other.GetInstanceAsync(id, Ct))!.HistoryLength);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        InstanceState? seen;
        while ((seen = await other.GetInstanceAsync(id, Ct))!.HistoryLength == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the episode was never written");
            await Task.Delay(50);
        }
        Assert.Equal(OrchestrationRuntimeStatus.Running, seen.Status);
        // Written with its activity row (the durable record of the activity) and a wake-up time for the sweep.
        var snapshot = (await other.LoadInstanceAsync(id, includeHistory: true, Clock.GetUtcNow(), Ct))!;
        Assert.Equal(3, snapshot.History!.Count);
        Assert.Single(snapshot.Outbox);
        Assert.NotNull(snapshot.State.NextWakeAt);
    }

    [Fact]
    public async Task A_store_disposed_when_its_host_stops_writes_the_episodes_it_holds()
    {
        const string id = "wb-stop";
        await StartWithLocalActivityAsync(id);
        var other = SecondStore();
        Assert.Equal(0, (await other.GetInstanceAsync(id, Ct))!.HistoryLength);

        await Store.DisposeAsync();

        var stored = (await other.GetInstanceAsync(id, Ct))!;
        Assert.Equal(OrchestrationRuntimeStatus.Running, stored.Status);
        Assert.Equal(3, stored.HistoryLength);
    }

    [Fact]
    public async Task A_commit_by_another_process_wins_and_the_unwritten_episodes_are_dropped()
    {
        const string id = "wb-race";
        await StartWithLocalActivityAsync(id);
        await RunLocalActivityAsync(id);

        // Another worker (say, woken by the sweep) runs the first episode from storage and writes it.
        var other = new AzureStorageOrchestrationStore(base.Options(Store.Hub.TaskHubName), Clock);
        var theirs = (await other.LoadInstanceAsync(id, includeHistory: true, Clock.GetUtcNow(), Ct))!;
        Assert.Equal(OrchestrationRuntimeStatus.Pending, theirs.State.Status);
        var committed = await other.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = id,
            NewState = theirs.State with { Status = OrchestrationRuntimeStatus.Running, HistoryLength = 3, CustomStatus = "\"theirs\"" },
            NewHistory = [new() { EventType = HistoryEventType.OrchestratorStarted, Timestamp = Start }, theirs.ReadyInbox[0].Event, Scheduled(0)],
            ConsumedMessageIds = [theirs.ReadyInbox[0].Id],
            NewOutbox = [ActivityOutbox(id, 0)],
        }, theirs.ETag, Ct);
        Assert.True(committed.Succeeded);

        // Ours now fails on the stored ETag: a conflict, and the next load reads what they wrote.
        var ours = (await Store.LoadInstanceAsync(id, includeHistory: false, Clock.GetUtcNow(), Ct))!;
        var end = await Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = id,
            NewState = ours.State with { Status = OrchestrationRuntimeStatus.Completed, HistoryLength = 6 },
            NewHistory =
            [
                new() { EventType = HistoryEventType.OrchestratorStarted, Timestamp = Start }, ours.ReadyInbox[0].Event,
                new() { EventType = HistoryEventType.ExecutionCompleted, Timestamp = Start },
            ],
            ConsumedMessageIds = [ours.ReadyInbox[0].Id],
        }, ours.ETag, Ct);
        Assert.False(end.Succeeded);
        var reloaded = (await Store.LoadInstanceAsync(id, includeHistory: true, Clock.GetUtcNow(), Ct))!;
        Assert.Equal("\"theirs\"", reloaded.State.CustomStatus);
        Assert.Equal(3, reloaded.History!.Count);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await Store.GetInstanceAsync(id, Ct))!.Status);
    }

    [Fact]
    public async Task A_stored_message_makes_the_process_write_its_episodes_before_reading_storage()
    {
        const string id = "wb-event";
        var (_, first) = await StartWithLocalActivityAsync(id);
        var approval = new OrchestrationMessage
        {
            Id = "evt-1", TargetInstanceId = id, EnqueuedAt = Start.AddMinutes(1),
            Event = new HistoryEvent { EventType = HistoryEventType.EventRaised, Name = "Approval", Input = "true", Timestamp = Start },
        };
        await Store.DeliverMessagesAsync(id, [approval], Ct);

        var loaded = (await Store.LoadInstanceAsync(id, includeHistory: false, Clock.GetUtcNow(), Ct))!;
        Assert.Equal(first.NewETag, loaded.ETag); // the engine's cached copy still matches: no replay
        Assert.Equal("evt-1", Assert.Single(loaded.ReadyInbox).Id);
        var stored = (await SecondStore().LoadInstanceAsync(id, includeHistory: true, Clock.GetUtcNow(), Ct))!;
        Assert.Equal(3, stored.History!.Count);
        Assert.Equal("evt-1", Assert.Single(stored.ReadyInbox).Id);
    }

    [Fact]
    public async Task An_event_consumed_while_the_stored_state_waits_without_a_near_wake_time_is_written_at_once()
    {
        // Stored: running, waiting for an event, nothing due (a crash after consuming the event in memory would leave
        // it unprocessed until some other wake-up).
        const string id = "wb-waiting";
        Assert.True((await Store.CreateInstanceAsync(NewState(id), StartMessage(id), Ct)).Created);
        var loaded = (await Store.LoadInstanceAsync(id, includeHistory: true, Clock.GetUtcNow(), Ct))!;
        var waiting = await Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = id,
            NewState = loaded.State with { Status = OrchestrationRuntimeStatus.Running, HistoryLength = 2, NextWakeAt = null },
            NewHistory = [new() { EventType = HistoryEventType.OrchestratorStarted, Timestamp = Start }, loaded.ReadyInbox[0].Event],
            ConsumedMessageIds = [loaded.ReadyInbox[0].Id],
        }, loaded.ETag, Ct);
        Assert.True(waiting.Succeeded);

        var approval = new OrchestrationMessage
        {
            Id = "evt-approve", TargetInstanceId = id, EnqueuedAt = Start,
            Event = new HistoryEvent { EventType = HistoryEventType.EventRaised, Name = "Approval", Input = "true", Timestamp = Start },
        };
        await Store.DeliverMessagesAsync(id, [approval], Ct);
        var withEvent = (await Store.LoadInstanceAsync(id, includeHistory: false, Clock.GetUtcNow(), Ct))!;
        var consumed = await Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = id,
            NewState = withEvent.State with { HistoryLength = 5 },
            NewHistory = [new() { EventType = HistoryEventType.OrchestratorStarted, Timestamp = Start }, withEvent.ReadyInbox[0].Event, Scheduled(0)],
            ConsumedMessageIds = ["evt-approve"],
            NewOutbox = [ActivityOutbox(id, 0)], // a local activity: only this keeps it from being written behind
        }, withEvent.ETag, Ct);
        Assert.True(consumed.Succeeded);

        var stored = (await SecondStore().LoadInstanceAsync(id, includeHistory: true, Clock.GetUtcNow(), Ct))!;
        Assert.Equal(5, stored.History!.Count);
        Assert.Empty(stored.ReadyInbox);
        Assert.NotNull(stored.State.NextWakeAt); // the local activity's re-check: the sweep finds it if this process dies
    }

    [Fact]
    public async Task An_episode_with_a_timer_is_written_at_once()
    {
        const string id = "wb-timer";
        Assert.True((await Store.CreateInstanceAsync(NewState(id), StartMessage(id), Ct)).Created);
        var loaded = (await Store.LoadInstanceAsync(id, includeHistory: true, Clock.GetUtcNow(), Ct))!;
        var fireAt = Start.AddDays(30);
        var result = await Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = id,
            NewState = loaded.State with { Status = OrchestrationRuntimeStatus.Running, HistoryLength = 4, NextWakeAt = fireAt },
            NewHistory =
            [
                new() { EventType = HistoryEventType.OrchestratorStarted, Timestamp = Start }, loaded.ReadyInbox[0].Event, Scheduled(0),
                new() { EventId = 1, EventType = HistoryEventType.TimerCreated, Timestamp = Start, FireAt = fireAt },
            ],
            ConsumedMessageIds = [loaded.ReadyInbox[0].Id],
            NewInboxMessages =
            [
                new()
                {
                    Id = "timer-1", TargetInstanceId = id, TargetExecutionId = "e1", EnqueuedAt = fireAt, VisibleAt = fireAt,
                    Event = new HistoryEvent { EventType = HistoryEventType.TimerFired, TaskScheduledId = 1, FireAt = fireAt },
                },
            ],
            NewOutbox = [ActivityOutbox(id, 0)],
        }, loaded.ETag, Ct);
        Assert.True(result.Succeeded);
        var stored = (await SecondStore().GetInstanceAsync(id, Ct))!;
        Assert.Equal(4, stored.HistoryLength);
    }
}
