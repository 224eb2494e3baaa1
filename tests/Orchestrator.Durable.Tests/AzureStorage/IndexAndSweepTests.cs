using Azure.Data.Tables;
using Orchestrator.Durable.AzureStorage;
using Orchestrator.Durable.Storage;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Durable.Tests.AzureStorage;

[Collection(AzuriteCollection.Name)]
public sealed class IndexAndSweepTests(AzuriteFixture fixture) : StoreTestBase(fixture)
{
    [Fact]
    public async Task Index_catches_up_after_a_crash_between_commit_and_index_update()
    {
        var (snapshot, etag) = await CreateAndStartAsync("lagging", scheduledTasks: 0);
        Store.Faults.AfterCommitBeforeIndex = _ => throw new SimulatedCrash();
        await Assert.ThrowsAsync<SimulatedCrash>(() => Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = "lagging",
            NewState = snapshot.State with { Status = OrchestrationRuntimeStatus.Completed, CompletedAt = Start, Output = "\"done\"" },
        }, etag, Ct));
        Store.Faults.AfterCommitBeforeIndex = null;

        // The state row is the truth at once; the index still says Running.
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await Store.GetInstanceAsync("lagging", Ct))!.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await QueryOneAsync("lagging")).Status);

        // Another process's sweep after the re-check interval repairs the index and does not wake a finished instance.
        var sweeper = SecondStore();
        var due = await sweeper.GetInstancesDueForWakeUpAsync(Clock.GetUtcNow() + TimeSpan.FromMinutes(2), 100, Ct);
        Assert.DoesNotContain("lagging", due);
        var repaired = await QueryOneAsync("lagging");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, repaired.Status);
        Assert.Empty(await sweeper.GetInstancesDueForWakeUpAsync(Clock.GetUtcNow() + TimeSpan.FromDays(30), 100, Ct));
    }

    [Fact]
    public async Task Sweep_finds_an_instance_whose_wake_up_was_lost()
    {
        // Created with a start due now, but the process died before sending its wake-up.
        Assert.True((await Store.CreateInstanceAsync(NewState("lost", nextWakeAt: Start), StartMessage("lost"), Ct)).Created);
        var due = await SecondStore().GetInstancesDueForWakeUpAsync(Start.AddSeconds(1), 100, Ct);
        Assert.Contains("lost", due);

        // The engine's sweep then re-sends the wake-up; a worker receives it.
        await Store.SendWakeUpAsync("lost", null, Ct);
        var notice = Assert.Single(await Store.ReceiveWakeUpsAsync(32, TimeSpan.FromMinutes(1), Ct));
        Assert.Equal("lost", notice.InstanceId);
        await Store.CompleteWakeUpAsync(notice, Ct);
        await Store.CompleteWakeUpAsync(notice, Ct); // twice is harmless
    }

    [Fact]
    public async Task Sweep_finds_an_instance_whose_timer_is_due_and_leaves_waiting_ones_alone()
    {
        var (snapshot, etag) = await CreateAndStartAsync("timer-due", scheduledTasks: 0);
        var fireAt = Start.AddDays(10);
        Assert.True((await Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = "timer-due",
            NewState = snapshot.State with { NextWakeAt = fireAt },
        }, etag, Ct)).Succeeded);
        var (waiting, _) = await CreateAndStartAsync("waiting-for-event", scheduledTasks: 0);

        Assert.DoesNotContain("timer-due", await Store.GetInstancesDueForWakeUpAsync(Start.AddDays(9), 100, Ct));
        var due = await Store.GetInstancesDueForWakeUpAsync(fireAt.AddSeconds(1), 100, Ct);
        Assert.Contains("timer-due", due);
        Assert.DoesNotContain("waiting-for-event", due);
    }

    [Fact]
    public void Wake_up_delay_is_the_time_left_capped_at_the_queue_maximum()
    {
        var max = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);
        Assert.Null(AzureStorageOrchestrationStore.WakeUpDelay(null, Start, max));
        Assert.Null(AzureStorageOrchestrationStore.WakeUpDelay(Start.AddSeconds(-5), Start, max));
        Assert.Equal(TimeSpan.FromSeconds(2), AzureStorageOrchestrationStore.WakeUpDelay(Start.AddSeconds(1.2), Start, max));
        Assert.Equal(max, AzureStorageOrchestrationStore.WakeUpDelay(Start.AddDays(30), Start, max));
    }

    [Fact]
    public async Task Wake_up_for_a_timer_beyond_seven_days_is_sent_with_the_maximum_delay_and_is_not_visible_yet()
    {
        await Store.SendWakeUpAsync("far", Clock.GetUtcNow().AddDays(30), Ct);
        await Store.SendWakeUpAsync("near", null, Ct);
        var received = await Store.ReceiveWakeUpsAsync(32, TimeSpan.FromMinutes(1), Ct);
        Assert.Equal(["near"], received.Select(r => r.InstanceId));
        var props = await Store.Hub.WakeUps.GetPropertiesAsync();
        Assert.Equal(2, props.Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Wake_up_beyond_the_queue_maximum_delay_is_re_armed_until_due()
    {
        // The queue's longest delay shrunk to 1 s (really 7 days) so that real time can pass the cap in a test.
        var store = new AzureStorageOrchestrationStore(Options(Store.Hub.TaskHubName) with { MaxQueueDelay = TimeSpan.FromSeconds(1) }, Clock);
        await store.SendWakeUpAsync("far-timer", Clock.GetUtcNow().AddDays(30), Ct);

        // Arrives after the capped delay, 30 (fake) days early: re-armed, not handed to the engine.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Empty(await store.ReceiveWakeUpsAsync(32, TimeSpan.FromMinutes(1), Ct));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Empty(await store.ReceiveWakeUpsAsync(32, TimeSpan.FromMinutes(1), Ct));

        // Once the clock reaches the due time the next arrival is delivered.
        Clock.Advance(TimeSpan.FromDays(30));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var notice = Assert.Single(await store.ReceiveWakeUpsAsync(32, TimeSpan.FromMinutes(1), Ct));
        Assert.Equal("far-timer", notice.InstanceId);
    }

    [Fact]
    public async Task Query_pages_through_the_index_with_continuation_tokens_and_filters()
    {
        for (var i = 0; i < 25; i++)
        {
            var tags = new Dictionary<string, string> { ["team"] = i % 2 == 0 ? "even" : "odd" };
            var state = NewState($"q-{i:D2}", tags: tags, name: i < 20 ? "Hello" : "Other") with { CreatedAt = Start.AddMinutes(i) };
            Assert.True((await Store.CreateInstanceAsync(state, StartMessage($"q-{i:D2}"), Ct)).Created);
        }
        await Store.CreateInstanceAsync(NewState("zz-outside"), StartMessage("zz-outside"), Ct);

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = "q-", PageSize = 10, ContinuationToken = token }, Ct);
            seen.AddRange(page.Instances.Select(s => s.InstanceId));
            token = page.ContinuationToken;
            pages++;
        } while (token is not null);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"q-{i:D2}"), seen);
        Assert.True(pages >= 3);

        var others = await Store.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = "q-", Name = "Other" }, Ct);
        Assert.Equal(5, others.Instances.Count);
        var created = await Store.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = "q-", CreatedFrom = Start.AddMinutes(10), CreatedTo = Start.AddMinutes(15) }, Ct);
        Assert.Equal(["q-10", "q-11", "q-12", "q-13", "q-14"], created.Instances.Select(s => s.InstanceId));
        var even = await Store.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = "q-", Tags = new Dictionary<string, string> { ["team"] = "even" } }, Ct);
        Assert.Equal(13, even.Instances.Count);
        var pending = await Store.QueryInstancesAsync(new InstanceQuery { Statuses = [OrchestrationRuntimeStatus.Pending], PageSize = 1000 }, Ct);
        Assert.Equal(26, pending.Instances.Count);
        var running = await Store.QueryInstancesAsync(new InstanceQuery { Statuses = [OrchestrationRuntimeStatus.Running] }, Ct);
        Assert.Empty(running.Instances);
        var withPayloads = await Store.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = "q-00", IncludePayloads = true }, Ct);
        Assert.Equal("\"in\"", Assert.Single(withPayloads.Instances).Input);
    }

    [Fact]
    public async Task Purge_removes_state_history_inbox_outbox_index_and_blobs()
    {
        var big = "\"" + new string('p', 100_000) + "\"";
        Assert.True((await Store.CreateInstanceAsync(NewState("purge-me", input: big), StartMessage("purge-me", input: big), Ct)).Created);
        var snapshot = await Store.LoadInstanceAsync("purge-me", true, Clock.GetUtcNow(), Ct);
        Assert.True((await Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = "purge-me",
            NewState = snapshot!.State with { Status = OrchestrationRuntimeStatus.Completed, HistoryLength = 150 },
            NewHistory = Enumerable.Range(0, 150).Select(i => Scheduled(i)).ToList(),
            NewOutbox = [ActivityOutbox("purge-me", 0)],
        }, snapshot.ETag, Ct)).Succeeded);
        await Store.DeliverMessagesAsync("purge-me", [TaskCompleted("purge-me", 0)], Ct);
        await Store.CreateInstanceAsync(NewState("keep-me"), StartMessage("keep-me"), Ct);

        Assert.True(await Store.PurgeInstanceAsync("purge-me", Ct));
        Assert.False(await Store.PurgeInstanceAsync("purge-me", Ct));

        Assert.Null(await Store.GetInstanceAsync("purge-me", Ct));
        var rows = 0;
        await foreach (var _ in Store.Hub.Instances.QueryAsync<TableEntity>("PartitionKey eq 'purge-me'")) rows++;
        Assert.Equal(0, rows);
        Assert.Empty((await Store.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = "purge-me" }, Ct)).Instances);
        await foreach (var _ in Store.Hub.Payloads.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "purge-me/" }))
            Assert.Fail("a payload blob survived the purge");
        Assert.NotNull(await Store.GetInstanceAsync("keep-me", Ct));
    }

    [Fact]
    public async Task Activity_leases_can_be_renewed_and_completed_once()
    {
        var items = Enumerable.Range(0, 40).Select(i => ActivityOutbox("acts", i).Activity!).ToList();
        await Store.EnqueueActivitiesAsync(items, Ct);
        var first = await Store.ReceiveActivitiesAsync(100, TimeSpan.FromMinutes(1), Ct);
        Assert.Equal(32, first.Count);
        var renewed = await Store.RenewActivityLeaseAsync(first[0], TimeSpan.FromMinutes(2), Ct);
        Assert.NotEqual(first[0].Receipt, renewed.Receipt);
        await Store.CompleteActivityAsync(renewed, Ct);
        await Store.CompleteActivityAsync(first[0], Ct); // stale receipt: ignored
        var rest = await Store.ReceiveActivitiesAsync(32, TimeSpan.FromMinutes(1), Ct);
        Assert.Equal(8, rest.Count);
    }

    private async Task<InstanceState> QueryOneAsync(string id) =>
        Assert.Single((await Store.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = id }, Ct)).Instances, s => s.InstanceId == id);
}
