using System.Text.Json;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.Tests.Engine;

/// <summary>Stores persist these records as JSON with DurableJson.Options; internal fields must survive.</summary>
public sealed class SerializationTests
{
    private static T RoundTrip<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, DurableJson.Options), DurableJson.Options)!;

    [Fact]
    public void HistoryEvent_round_trips_including_internal_fields()
    {
        var e = new HistoryEvent
        {
            EventId = 3, EventType = HistoryEventType.ExecutionStarted, Timestamp = DateTimeOffset.UnixEpoch, Name = "n", Input = "{\"a\":1}",
            FailureDetails = new TaskFailureDetails("T", "m", "s", new TaskFailureDetails("I", "im", null, null)), FireAt = DateTimeOffset.UnixEpoch.AddDays(1),
            TaskScheduledId = 2, InstanceId = "i", MessageId = "msg", Version = "2", ExecutionId = "e", ParentInstanceId = "p",
            ParentExecutionId = "pe", ParentTaskScheduledId = 7, Tags = new Dictionary<string, string> { ["k"] = "v" }, ScheduledStartAt = DateTimeOffset.UnixEpoch,
        };
        var copy = RoundTrip(e);
        Assert.Equal(JsonSerializer.Serialize(e, DurableJson.Options), JsonSerializer.Serialize(copy, DurableJson.Options));
        Assert.Equal("msg", copy.MessageId);
        Assert.Equal(7, copy.ParentTaskScheduledId);
        Assert.Equal("v", copy.Tags!["k"]);
    }

    [Fact]
    public void Store_records_round_trip()
    {
        var message = new OrchestrationMessage
        {
            Id = "m", TargetInstanceId = "t", TargetExecutionId = "x", EnqueuedAt = DateTimeOffset.UnixEpoch, VisibleAt = DateTimeOffset.UnixEpoch,
            Event = new HistoryEvent { EventType = HistoryEventType.TimerFired, TaskScheduledId = 1 },
        };
        var outbox = new OutboxEntry
        {
            Id = "o", Message = message,
            Activity = new ActivityWorkItem { Id = "a", InstanceId = "i", ExecutionId = "x", TaskScheduledId = 1, Name = "n", Input = "1" },
        };
        var state = new InstanceState
        {
            InstanceId = "i", Name = "n", ExecutionId = "x", Status = OrchestrationRuntimeStatus.Suspended,
            Tags = new Dictionary<string, string> { ["k"] = "v" }, NextWakeAt = DateTimeOffset.UnixEpoch, HistoryLength = 4,
            FailureDetails = new TaskFailureDetails("T", "m", null, null),
        };
        Assert.Equal(JsonSerializer.Serialize(outbox, DurableJson.Options), JsonSerializer.Serialize(RoundTrip(outbox), DurableJson.Options));
        var stateCopy = RoundTrip(state);
        Assert.Equal(state with { Tags = stateCopy.Tags }, stateCopy);
        Assert.Equal("Suspended", JsonDocument.Parse(JsonSerializer.Serialize(state, DurableJson.Options)).RootElement.GetProperty("status").GetString());
    }
}
