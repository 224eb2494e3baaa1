using Azure.Data.Tables;
using Orchestrator.Durable.AzureStorage;
using Orchestrator.Durable.Storage;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Durable.Tests.AzureStorage;

[Collection(AzuriteCollection.Name)]
public sealed class CommitTests(AzuriteFixture fixture) : StoreTestBase(fixture)
{
    [Fact]
    public async Task Create_load_commit_round_trip()
    {
        var (snapshot, etag) = await CreateAndStartAsync("round-trip", scheduledTasks: 2);

        Assert.Equal(etag, snapshot.ETag);
        Assert.Equal(OrchestrationRuntimeStatus.Running, snapshot.State.Status);
        Assert.Equal("\"in\"", snapshot.State.Input);
        Assert.Empty(snapshot.ReadyInbox); // the start message was consumed in the commit
        Assert.Equal(4, snapshot.History!.Count);
        Assert.Equal([HistoryEventType.OrchestratorStarted, HistoryEventType.ExecutionStarted, HistoryEventType.TaskScheduled, HistoryEventType.TaskScheduled],
            snapshot.History.Select(h => h.EventType));
        Assert.Equal(2, snapshot.Outbox.Count);
        Assert.Equal("round-trip", snapshot.Outbox[0].Activity!.InstanceId);

        var history = await Store.GetHistoryAsync("round-trip", Ct);
        Assert.Equal(4, history.Count);
        var state = await Store.GetInstanceAsync("round-trip", Ct);
        Assert.Equal(4, state!.HistoryLength);

        await Store.DeleteOutboxAsync("round-trip", snapshot.Outbox.Select(o => o.Id).ToList(), Ct);
        await Store.DeleteOutboxAsync("round-trip", ["does-not-exist"], Ct);
        var reloaded = await Store.LoadInstanceAsync("round-trip", includeHistory: false, Clock.GetUtcNow(), Ct);
        Assert.Empty(reloaded!.Outbox);
        Assert.Null(reloaded.History);
        Assert.Equal(etag, reloaded.ETag); // outbox deletes do not touch the state row
    }

    [Fact]
    public async Task Two_commits_on_one_etag_one_wins_and_the_loser_leaves_nothing()
    {
        var (snapshot, etag) = await CreateAndStartAsync("race");
        await Store.DeliverMessagesAsync("race", [TaskCompleted("race", 0)], Ct);
        var other = SecondStore(); // another worker process: no shared in-memory knowledge
        var loaded = await Store.LoadInstanceAsync("race", true, Clock.GetUtcNow(), Ct);
        var loadedByOther = await other.LoadInstanceAsync("race", true, Clock.GetUtcNow(), Ct);
        Assert.Equal(loaded!.ETag, loadedByOther!.ETag);

        EpisodeCommit Episode(string marker) => new()
        {
            InstanceId = "race",
            NewState = loaded.State with { HistoryLength = loaded.State.HistoryLength + 2, CustomStatus = marker },
            NewHistory = [loaded.ReadyInbox[0].Event, Scheduled(1, marker)],
            ConsumedMessageIds = [loaded.ReadyInbox[0].Id],
            NewOutbox = [ActivityOutbox("race", 1, input: marker)],
        };
        var results = await Task.WhenAll(
            Store.CommitEpisodeAsync(Episode("\"a\""), loaded.ETag, Ct),
            other.CommitEpisodeAsync(Episode("\"b\""), loaded.ETag, Ct));

        Assert.Single(results, r => r.Succeeded);
        Assert.Single(results, r => !r.Succeeded);
        var winner = results[0].Succeeded ? "\"a\"" : "\"b\"";
        var final = await Store.LoadInstanceAsync("race", true, Clock.GetUtcNow(), Ct);
        Assert.Equal(winner, final!.State.CustomStatus);
        Assert.Equal(winner, final.History![^1].Input);
        Assert.Equal(winner, Assert.Single(final.Outbox, o => o.Activity!.TaskScheduledId == 1).Activity!.Input);
        Assert.Empty(final.ReadyInbox);

        // The loser retrying on its stale ETag keeps losing.
        var again = await other.CommitEpisodeAsync(Episode("\"c\""), loaded.ETag, Ct);
        Assert.False(again.Succeeded);
    }

    [Fact]
    public async Task Commit_on_a_stale_etag_from_a_previous_episode_is_a_conflict()
    {
        var (snapshot, etag) = await CreateAndStartAsync("stale");
        var next = new EpisodeCommit { InstanceId = "stale", NewState = snapshot.State with { CustomStatus = "1" } };
        var first = await Store.CommitEpisodeAsync(next, etag, Ct);
        Assert.True(first.Succeeded);
        var second = await Store.CommitEpisodeAsync(next with { NewState = snapshot.State with { CustomStatus = "2" } }, etag, Ct);
        Assert.False(second.Succeeded);
        var third = await Store.CommitEpisodeAsync(next with { NewState = snapshot.State with { CustomStatus = "3" } }, first.NewETag!, Ct);
        Assert.True(third.Succeeded);
    }

    [Fact]
    public async Task Fan_out_of_1000_commits_across_transactions_and_is_visible_only_after_the_final_write()
    {
        var (snapshot, etag) = await CreateAndStartAsync("fan", scheduledTasks: 0);
        EpisodeCommit FanOut(int count, string marker) => new()
        {
            InstanceId = "fan",
            NewState = snapshot.State with { HistoryLength = snapshot.State.HistoryLength + count, CustomStatus = marker },
            NewHistory = Enumerable.Range(0, count).Select(i => Scheduled(i, marker)).ToList(),
            NewOutbox = Enumerable.Range(0, count).Select(i => ActivityOutbox("fan", i, input: marker)).ToList(),
        };

        // Crash between the intermediate transactions and the final state write.
        Store.Faults.BeforeFinalStateWrite = _ => throw new SimulatedCrash();
        await Assert.ThrowsAsync<SimulatedCrash>(() => Store.CommitEpisodeAsync(FanOut(1000, "\"crashed\""), etag, Ct));
        Store.Faults.BeforeFinalStateWrite = null;

        // A fresh process sees the instance exactly as before: no history, outbox or status of the crashed episode.
        var other = SecondStore();
        var afterCrash = await other.LoadInstanceAsync("fan", true, Clock.GetUtcNow(), Ct);
        Assert.Equal(snapshot.State.HistoryLength, afterCrash!.History!.Count);
        Assert.Empty(afterCrash.Outbox);
        Assert.Null(afterCrash.State.CustomStatus);
        Assert.NotEqual(etag, afterCrash.ETag); // the chain advanced the ETag: the crashed writer cannot continue
        var rawOutboxRows = await CountRowsAsync("fan", "o-");
        Assert.True(rawOutboxRows > 0, "the crashed chain should have left invisible rows behind");

        // The retry (a smaller episode this time) commits; rows of the crashed attempt it does not overwrite are gone.
        var retry = await other.CommitEpisodeAsync(FanOut(600, "\"retry\""), afterCrash.ETag, Ct);
        Assert.True(retry.Succeeded);
        var final = await Store.LoadInstanceAsync("fan", true, Clock.GetUtcNow(), Ct);
        Assert.Equal(snapshot.State.HistoryLength + 600, final!.History!.Count);
        Assert.All(final.History.Skip(snapshot.State.HistoryLength), h => Assert.Equal("\"retry\"", h.Input));
        Assert.Equal(600, final.Outbox.Count);
        Assert.All(final.Outbox, o => Assert.Equal("\"retry\"", o.Activity!.Input));
        Assert.Equal(600, await CountRowsAsync("fan", "o-"));
        Assert.Equal("\"retry\"", final.State.CustomStatus);

        // And a large commit without a crash.
        var big = await Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = "fan",
            NewState = final.State with { HistoryLength = final.State.HistoryLength + 1000 },
            NewHistory = Enumerable.Range(600, 1000).Select(i => Scheduled(i)).ToList(),
            NewOutbox = Enumerable.Range(600, 1000).Select(i => ActivityOutbox("fan", i)).ToList(),
        }, final.ETag, Ct);
        Assert.True(big.Succeeded);
        var history = await Store.GetHistoryAsync("fan", Ct);
        Assert.Equal(final.State.HistoryLength + 1000, history.Count);
        Assert.Equal(Enumerable.Range(0, 1600), history.Where(h => h.EventType == HistoryEventType.TaskScheduled).Select(h => h.EventId));
    }

    [Fact]
    public async Task Consumed_inbox_rows_are_deleted_with_the_commit_and_missing_ones_are_ignored()
    {
        var (snapshot, etag) = await CreateAndStartAsync("inbox", scheduledTasks: 3);
        await Store.DeliverMessagesAsync("inbox", [TaskCompleted("inbox", 0), TaskCompleted("inbox", 1)], Ct);
        var loaded = await Store.LoadInstanceAsync("inbox", false, Clock.GetUtcNow(), Ct);
        Assert.Equal(["r-e1-0", "r-e1-1"], loaded!.ReadyInbox.Select(m => m.Id));
        var result = await Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = "inbox",
            NewState = loaded.State with { HistoryLength = loaded.State.HistoryLength + 2 },
            NewHistory = loaded.ReadyInbox.Select(m => m.Event).ToList(),
            ConsumedMessageIds = ["r-e1-0", "r-e1-1", "never-existed"],
        }, loaded.ETag, Ct);
        Assert.True(result.Succeeded);
        var after = await Store.LoadInstanceAsync("inbox", true, Clock.GetUtcNow(), Ct);
        Assert.Empty(after!.ReadyInbox);
        Assert.Equal(HistoryEventType.TaskCompleted, after.History![^1].EventType);
    }

    [Fact]
    public async Task Duplicate_activity_result_is_ignored()
    {
        await CreateAndStartAsync("dup");
        await Store.DeliverMessagesAsync("dup", [TaskCompleted("dup", 0, "\"first\"")], Ct);
        await Store.DeliverMessagesAsync("dup", [TaskCompleted("dup", 0, "\"second\"")], Ct);
        await Store.DeliverMessagesAsync("dup", [TaskCompleted("dup", 0, "\"third\""), TaskCompleted("dup", 1, "\"other\"")], Ct);
        var loaded = await Store.LoadInstanceAsync("dup", false, Clock.GetUtcNow(), Ct);
        Assert.Equal(2, loaded!.ReadyInbox.Count);
        Assert.Equal("\"first\"", loaded.ReadyInbox.Single(m => m.Event.TaskScheduledId == 0).Event.Result);
    }

    [Fact]
    public async Task Timers_in_the_inbox_are_ready_only_when_due()
    {
        var (snapshot, etag) = await CreateAndStartAsync("timer", scheduledTasks: 0);
        var fireAt = Start.AddDays(30);
        var timer = new OrchestrationMessage
        {
            Id = "t-e1-5", TargetInstanceId = "timer", TargetExecutionId = "e1", EnqueuedAt = Start, VisibleAt = fireAt,
            Event = new HistoryEvent { EventType = HistoryEventType.TimerFired, TaskScheduledId = 5, FireAt = fireAt, Timestamp = Start },
        };
        var result = await Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = "timer",
            NewState = snapshot.State with { NextWakeAt = fireAt },
            NewInboxMessages = [timer],
        }, etag, Ct);
        Assert.True(result.Succeeded);
        Assert.Empty((await Store.LoadInstanceAsync("timer", false, Start.AddDays(29), Ct))!.ReadyInbox);
        Assert.Equal("t-e1-5", Assert.Single((await Store.LoadInstanceAsync("timer", false, fireAt, Ct))!.ReadyInbox).Id);
    }

    [Fact]
    public async Task Create_conflicts_with_a_running_instance_is_idempotent_for_the_same_start_and_replaces_a_terminal_one()
    {
        Assert.True((await Store.CreateInstanceAsync(NewState("c"), StartMessage("c"), Ct)).Created);

        var same = await Store.CreateInstanceAsync(NewState("c"), StartMessage("c"), Ct);
        Assert.False(same.Created);
        Assert.Equal("e1", same.Existing!.ExecutionId);

        var conflict = await Store.CreateInstanceAsync(NewState("c", "e2"), StartMessage("c", "e2"), Ct);
        Assert.False(conflict.Created);
        Assert.Equal("e1", conflict.Existing!.ExecutionId);

        // Finish e1, leave an event in its inbox, then start e2 over it.
        var loaded = await Store.LoadInstanceAsync("c", true, Clock.GetUtcNow(), Ct);
        var done = await Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = "c",
            NewState = loaded!.State with { Status = OrchestrationRuntimeStatus.Completed, Output = "\"done\"", HistoryLength = 1, CompletedAt = Start },
            NewHistory = [loaded.ReadyInbox[0].Event],
            ConsumedMessageIds = [loaded.ReadyInbox[0].Id],
        }, loaded.ETag, Ct);
        Assert.True(done.Succeeded);
        await Store.DeliverMessagesAsync("c", [TaskCompleted("c", 9)], Ct);

        var replaced = await Store.CreateInstanceAsync(NewState("c", "e2"), StartMessage("c", "e2"), Ct);
        Assert.True(replaced.Created);
        var fresh = await Store.LoadInstanceAsync("c", true, Clock.GetUtcNow(), Ct);
        Assert.Equal("e2", fresh!.State.ExecutionId);
        Assert.Empty(fresh.History!);
        Assert.Equal("start-e2", Assert.Single(fresh.ReadyInbox).Id);
        Assert.Null(fresh.State.Output);
    }

    [Fact]
    public async Task Events_delivered_before_the_instance_exists_are_kept()
    {
        await Store.DeliverMessagesAsync("early", [TaskCompleted("early", 0)], Ct);
        Assert.Null(await Store.LoadInstanceAsync("early", false, Clock.GetUtcNow(), Ct));
        Assert.True((await Store.CreateInstanceAsync(NewState("early"), StartMessage("early"), Ct)).Created);
        var loaded = await Store.LoadInstanceAsync("early", false, Clock.GetUtcNow(), Ct);
        Assert.Equal(2, loaded!.ReadyInbox.Count);
    }

    [Fact]
    public async Task An_event_sent_ahead_by_another_process_is_read_before_the_first_episode_and_otherwise_nothing_is_read()
    {
        // Sent by another process to an id that does not exist yet (an orchestration's SendEvent).
        var sender = SecondStore();
        var early = new OrchestrationMessage
        {
            Id = "evt-early", TargetInstanceId = "sent-ahead", EnqueuedAt = Start,
            Event = new HistoryEvent { EventType = HistoryEventType.EventRaised, Name = "Go", Input = "1", Timestamp = Start },
        };
        await sender.DeliverMessagesAsync("sent-ahead", [early], Ct);

        Assert.True((await Store.CreateInstanceAsync(NewState("sent-ahead"), StartMessage("sent-ahead"), Ct)).Created);
        var loaded = await Store.LoadInstanceAsync("sent-ahead", includeHistory: true, Clock.GetUtcNow(), Ct);
        Assert.Equal(["evt-early", "start-e1"], loaded!.ReadyInbox.Select(m => m.Id).Order(StringComparer.Ordinal));

        // Nothing was sent to this one: its first episode starts from what the creation wrote, without a read.
        Assert.True((await Store.CreateInstanceAsync(NewState("quiet"), StartMessage("quiet"), Ct)).Created);
        Store.Counter.Reset();
        var quiet = await Store.LoadInstanceAsync("quiet", includeHistory: true, Clock.GetUtcNow(), Ct);
        Assert.Equal("start-e1", Assert.Single(quiet!.ReadyInbox).Id);
        Assert.Equal(0, Store.Counter.Total);
    }

    [Fact]
    public async Task Continue_as_new_starts_history_over_and_hides_the_previous_execution()
    {
        var (snapshot, etag) = await CreateAndStartAsync("can", scheduledTasks: 3);
        var next = await Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = "can",
            NewState = snapshot.State with { ExecutionId = "e2", HistoryLength = 2 },
            NewHistory = [new HistoryEvent { EventType = HistoryEventType.OrchestratorStarted }, new HistoryEvent { EventType = HistoryEventType.ExecutionStarted, Input = "\"again\"" }],
        }, etag, Ct);
        Assert.True(next.Succeeded);
        var history = await Store.GetHistoryAsync("can", Ct);
        Assert.Equal(2, history.Count);
        Assert.Equal("\"again\"", history[1].Input);
    }

    private async Task<int> CountRowsAsync(string instanceId, string prefix)
    {
        var count = 0;
        await foreach (var _ in Store.Hub.Instances.QueryAsync<TableEntity>(
                           $"PartitionKey eq '{instanceId}' and RowKey ge '{prefix}' and RowKey lt '{prefix[0]}.'", select: ["RowKey"]))
            count++;
        return count;
    }
}

internal sealed class SimulatedCrash : Exception
{
    public SimulatedCrash() : base("Simulated process crash.") { }
}
