using Azure.Data.Tables;
using Orchestrator.Durable.Storage;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Durable.Tests.AzureStorage;

[Collection(AzuriteCollection.Name)]
public sealed class PayloadTests(AzuriteFixture fixture) : StoreTestBase(fixture)
{
    private static string Json(int chars) => "\"" + new string('x', chars - 2) + "\"";

    [Fact]
    public async Task A_200_KB_input_round_trips_through_a_blob_referenced_from_the_state_row()
    {
        var input = Json(200_000);
        Assert.True((await Store.CreateInstanceAsync(NewState("big", input: input), StartMessage("big", input: input), Ct)).Created);

        var state = await Store.GetInstanceAsync("big", Ct);
        Assert.Equal(input, state!.Input);
        var loaded = await Store.LoadInstanceAsync("big", true, Clock.GetUtcNow(), Ct);
        Assert.Equal(input, loaded!.ReadyInbox[0].Event.Input);

        var row = (await Store.Hub.Instances.GetEntityAsync<TableEntity>("big", "state")).Value;
        Assert.False(row.ContainsKey("Input"));
        Assert.True(row.ContainsKey("InputBlob"));
        Assert.NotEmpty(await BlobNamesAsync("big/"));
    }

    [Fact]
    public async Task Large_history_events_and_outputs_are_offloaded_and_read_back()
    {
        var (snapshot, etag) = await CreateAndStartAsync("big-history", scheduledTasks: 0);
        var result = Json(150_000);
        var commit = await Store.CommitEpisodeAsync(new EpisodeCommit
        {
            InstanceId = "big-history",
            NewState = snapshot.State with { Status = OrchestrationRuntimeStatus.Completed, Output = result, HistoryLength = snapshot.State.HistoryLength + 1 },
            NewHistory = [new HistoryEvent { EventType = HistoryEventType.ExecutionCompleted, Result = result }],
        }, etag, Ct);
        Assert.True(commit.Succeeded);
        var history = await Store.GetHistoryAsync("big-history", Ct);
        Assert.Equal(result, history[^1].Result);
        Assert.Equal(result, (await Store.GetInstanceAsync("big-history", Ct))!.Output);
    }

    [Fact]
    public async Task A_200_KB_activity_input_round_trips_through_the_activity_queue()
    {
        var input = Json(200_000);
        var item = ActivityOutbox("big-activity", 0, input: input).Activity!;
        await Store.EnqueueActivitiesAsync([item], Ct);
        var leases = await Store.ReceiveActivitiesAsync(32, TimeSpan.FromMinutes(1), Ct);
        var lease = Assert.Single(leases);
        Assert.Equal(input, lease.WorkItem.Input);
        Assert.Equal(item.Id, lease.WorkItem.Id);
        await Store.CompleteActivityAsync(lease, Ct);
    }

    [Fact]
    public async Task A_200_KB_event_delivered_to_the_inbox_round_trips()
    {
        await CreateAndStartAsync("big-event", scheduledTasks: 0);
        var payload = Json(200_000);
        await Store.DeliverMessagesAsync("big-event", [new OrchestrationMessage
        {
            Id = "ev-1", TargetInstanceId = "big-event", EnqueuedAt = Start,
            Event = new HistoryEvent { EventType = HistoryEventType.EventRaised, Name = "Approve", Input = payload },
        }], Ct);
        var loaded = await Store.LoadInstanceAsync("big-event", false, Clock.GetUtcNow(), Ct);
        Assert.Equal(payload, Assert.Single(loaded!.ReadyInbox).Event.Input);
    }

    [Fact]
    public async Task Payload_over_the_limit_is_refused_and_nothing_is_stored()
    {
        var input = Json(1024 * 1024 + 10); // limit in these tests: 1 MiB
        var error = await Assert.ThrowsAsync<PayloadTooLargeException>(() =>
            Store.CreateInstanceAsync(NewState("too-big", input: input), StartMessage("too-big", input: input), Ct));
        Assert.Equal(1024 * 1024, error.LimitBytes);

        Assert.Null(await Store.GetInstanceAsync("too-big", Ct));
        Assert.Empty(await BlobNamesAsync("too-big/"));
        var page = await Store.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = "too-big" }, Ct);
        Assert.Empty(page.Instances);

        await CreateAndStartAsync("event-too-big", scheduledTasks: 0);
        await Assert.ThrowsAsync<PayloadTooLargeException>(() => Store.DeliverMessagesAsync("event-too-big", [new OrchestrationMessage
        {
            Id = "ev-big", TargetInstanceId = "event-too-big", EnqueuedAt = Start,
            Event = new HistoryEvent { EventType = HistoryEventType.EventRaised, Name = "E", Input = input },
        }], Ct));
        Assert.Empty((await Store.LoadInstanceAsync("event-too-big", false, Clock.GetUtcNow(), Ct))!.ReadyInbox);
    }

    private async Task<List<string>> BlobNamesAsync(string prefix)
    {
        var names = new List<string>();
        await foreach (var blob in Store.Hub.Payloads.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix }))
            names.Add(blob.Name);
        return names;
    }
}
