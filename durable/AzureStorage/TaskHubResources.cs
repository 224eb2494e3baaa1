using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>
/// The storage resources of one task hub and the SDK clients for them. Names derive from the hub name:
/// tables "{hub}Instances" and "{hub}Index", queues "{hub}-wakeups" and "{hub}-activities", container "{hub}-payloads".
/// </summary>
internal sealed partial class TaskHubResources
{
    public TaskHubResources(string connectionString, string taskHubName, StorageOperationCounter? counter = null)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                "Durable:AzureStorage:ConnectionString is not set. Set it to a storage account connection string " +
                "(for Azurite: \"UseDevelopmentStorage=true\" or the connection string printed by the test launcher).");
        if (!HubName().IsMatch(taskHubName ?? ""))
            throw new ArgumentException(
                $"Task hub name '{taskHubName}' is not usable: use 3 to 45 letters and digits, starting with a letter " +
                "(it prefixes table, queue and container names).", nameof(taskHubName));

        TaskHubName = taskHubName!;
        Counter = counter ?? new StorageOperationCounter();
        var lower = TaskHubName.ToLowerInvariant();

        var tableOptions = new TableClientOptions();
        Configure(tableOptions, "table");
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        Configure(queueOptions, "queue");
        var blobOptions = new BlobClientOptions();
        Configure(blobOptions, "blob");

        TableService = new TableServiceClient(connectionString, tableOptions);
        Instances = TableService.GetTableClient(TaskHubName + "Instances");
        Index = TableService.GetTableClient(TaskHubName + "Index");
        var queues = new QueueServiceClient(connectionString, queueOptions);
        WakeUps = queues.GetQueueClient(lower + "-wakeups");
        Activities = queues.GetQueueClient(lower + "-activities");
        QueueService = queues;
        BlobService = new BlobServiceClient(connectionString, blobOptions);
        Payloads = BlobService.GetBlobContainerClient(lower + "-payloads");
    }

    public string TaskHubName { get; }
    public StorageOperationCounter Counter { get; }
    public TableServiceClient TableService { get; }
    public QueueServiceClient QueueService { get; }
    public BlobServiceClient BlobService { get; }
    public TableClient Instances { get; }
    public TableClient Index { get; }
    public QueueClient WakeUps { get; }
    public QueueClient Activities { get; }
    public Azure.Storage.Blobs.BlobContainerClient Payloads { get; }

    /// <summary>Creates whatever does not exist yet; safe to call from every process at start.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(
            IgnoreExists(Instances.CreateIfNotExistsAsync(cancellationToken)),
            IgnoreExists(Index.CreateIfNotExistsAsync(cancellationToken)),
            IgnoreExists(WakeUps.CreateIfNotExistsAsync(cancellationToken: cancellationToken)),
            IgnoreExists(Activities.CreateIfNotExistsAsync(cancellationToken: cancellationToken)),
            IgnoreExists(Payloads.CreateIfNotExistsAsync(cancellationToken: cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Deletes every resource of the hub (tests and bench clean-up).</summary>
    public async Task DeleteAllAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(
            Instances.DeleteAsync(cancellationToken),
            Index.DeleteAsync(cancellationToken),
            WakeUps.DeleteIfExistsAsync(cancellationToken),
            Activities.DeleteIfExistsAsync(cancellationToken),
            Payloads.DeleteIfExistsAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private static async Task IgnoreExists(Task task)
    {
        // Two processes starting together race on creation; "already exists" (409) means the goal is reached.
        try { await task.ConfigureAwait(false); }
        catch (RequestFailedException e) when (e.Status == 409) { }
    }

    private void Configure(ClientOptions options, string service)
    {
        options.AddPolicy(Counter.PolicyFor(service), HttpPipelinePosition.PerRetry);
        // Short, bounded retries: the engine retries whole episodes itself, and a hung request holds an instance.
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 5;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        // Request logging and distributed tracing per storage call cost more CPU than the call on a 2-core box.
        options.Diagnostics.IsLoggingEnabled = false;
        options.Diagnostics.IsDistributedTracingEnabled = false;
        options.Diagnostics.IsTelemetryEnabled = false;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,44}$")]
    private static partial Regex HubName();
}
