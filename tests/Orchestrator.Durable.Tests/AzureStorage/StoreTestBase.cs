using Microsoft.Extensions.Time.Testing;
using Orchestrator.Durable.AzureStorage;
using Orchestrator.Durable.Storage;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Durable.Tests.AzureStorage;

/// <summary>A fresh task hub on the collection's Azurite per test, plus builders for store records.</summary>
public abstract class StoreTestBase(AzuriteFixture fixture) : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Clock { get; } = new(Start);
    internal AzureStorageOrchestrationStore Store { get; private set; } = null!;
    protected AzuriteFixture Fixture => fixture;
    protected CancellationToken Ct => CancellationToken.None;

    internal virtual AzureStorageStoreOptions Options(string hub) => new()
    {
        ConnectionString = fixture.ConnectionString,
        TaskHubName = hub,
        MaxPayloadBytes = 1024 * 1024,
        // The contract tests drive commits by hand; write-behind has its own tests (WriteBehindTests).
        WriteBehindWindow = TimeSpan.Zero,
    };

    public async Task InitializeAsync()
    {
        Store = new AzureStorageOrchestrationStore(Options(AzuriteFixture.NewHubName()), Clock);
        await Store.EnsureCreatedAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    internal AzureStorageOrchestrationStore SecondStore() => new(Options(Store.Hub.TaskHubName), Clock);

    internal static InstanceState NewState(string id, string executionId = "e1", string? input = "\"in\"", OrchestrationRuntimeStatus status = OrchestrationRuntimeStatus.Pending,
        DateTimeOffset? nextWakeAt = null, IReadOnlyDictionary<string, string>? tags = null, string name = "Hello") => new()
    {
        InstanceId = id,
        Name = name,
        ExecutionId = executionId,
        Status = status,
        CreatedAt = Start,
        LastUpdatedAt = Start,
        Input = input,
        NextWakeAt = nextWakeAt,
        Tags = tags,
        StartMessageId = "start-" + executionId,
    };

    internal static OrchestrationMessage StartMessage(string id, string executionId = "e1", string? input = "\"in\"") => new()
    {
        Id = "start-" + executionId,
        TargetInstanceId = id,
        TargetExecutionId = executionId,
        EnqueuedAt = Start,
        Event = new HistoryEvent { EventType = HistoryEventType.ExecutionStarted, Name = "Hello", Input = input, Timestamp = Start, ExecutionId = executionId },
    };

    internal static OrchestrationMessage TaskCompleted(string id, int taskId, string result = "\"ok\"", string executionId = "e1") => new()
    {
        Id = $"r-{executionId}-{taskId}",
        TargetInstanceId = id,
        TargetExecutionId = executionId,
        EnqueuedAt = Start.AddSeconds(taskId),
        Event = new HistoryEvent { EventType = HistoryEventType.TaskCompleted, TaskScheduledId = taskId, Result = result, Timestamp = Start, MessageId = $"r-{executionId}-{taskId}" },
    };

    internal static HistoryEvent Scheduled(int eventId, string? input = null) =>
        new() { EventId = eventId, EventType = HistoryEventType.TaskScheduled, Name = "SayHello", Input = input, Timestamp = Start };

    internal static OutboxEntry ActivityOutbox(string id, int taskId, string executionId = "e1", string? input = null) => new()
    {
        Id = $"a-{executionId}-{taskId}",
        Activity = new ActivityWorkItem
        {
            Id = $"{id}|{executionId}|{taskId}",
            InstanceId = id,
            ExecutionId = executionId,
            TaskScheduledId = taskId,
            Name = "SayHello",
            Input = input,
            EnqueuedAt = Start,
        },
    };

    /// <summary>Creates an instance and commits its first episode (started + scheduled tasks) as the engine would.</summary>
    internal async Task<(InstanceSnapshot Snapshot, string ETag)> CreateAndStartAsync(string id, int scheduledTasks = 1)
    {
        var created = await Store.CreateInstanceAsync(NewState(id), StartMessage(id), Ct);
        Assert.True(created.Created);
        var snapshot = await Store.LoadInstanceAsync(id, includeHistory: true, Clock.GetUtcNow(), Ct);
        Assert.NotNull(snapshot);
        var history = new List<HistoryEvent> { new() { EventType = HistoryEventType.OrchestratorStarted, Timestamp = Start }, snapshot!.ReadyInbox[0].Event };
        for (var i = 0; i < scheduledTasks; i++) history.Add(Scheduled(i));
        var commit = new EpisodeCommit
        {
            InstanceId = id,
            NewState = snapshot.State with { Status = OrchestrationRuntimeStatus.Running, HistoryLength = history.Count },
            NewHistory = history,
            ConsumedMessageIds = [snapshot.ReadyInbox[0].Id],
            NewOutbox = Enumerable.Range(0, scheduledTasks).Select(i => ActivityOutbox(id, i)).ToList(),
        };
        var result = await Store.CommitEpisodeAsync(commit, snapshot.ETag, Ct);
        Assert.True(result.Succeeded);
        var after = await Store.LoadInstanceAsync(id, includeHistory: true, Clock.GetUtcNow(), Ct);
        return (after!, result.NewETag!);
    }
}
