using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Durable.Hosting;

/// <summary>Maps <see cref="DurableTaskHubOptions"/> onto DTFx's Azure Storage settings and creates the one service.</summary>
internal static class OrchestrationServiceFactory
{
    public static AzureStorageOrchestrationService Create(DurableTaskHubOptions options, ILoggerFactory loggerFactory) =>
        new(CreateSettings(options, loggerFactory));

    internal static AzureStorageOrchestrationServiceSettings CreateSettings(
        DurableTaskHubOptions options, ILoggerFactory loggerFactory)
    {
        var storage = options.AzureStorage;
        return new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = storage.TaskHubName,
            PartitionCount = storage.PartitionCount,
            MaxConcurrentTaskOrchestrationWorkItems = options.Worker.MaxConcurrentOrchestrations,
            MaxConcurrentTaskActivityWorkItems = options.Worker.MaxConcurrentActivities,
            MaxQueuePollingInterval = storage.MaxQueuePollingInterval,
            ExtendedSessionsEnabled = storage.ExtendedSessionsEnabled,
            ExtendedSessionIdleTimeout = storage.ExtendedSessionIdleTimeout,
            ControlQueueBatchSize = storage.ControlQueueBatchSize,
            LeaseInterval = storage.LeaseInterval,
            LeaseRenewInterval = storage.LeaseRenewInterval,
            LeaseAcquireInterval = storage.LeaseAcquireInterval,
            ControlQueueVisibilityTimeout = storage.ControlQueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = storage.WorkItemQueueVisibilityTimeout,
            WorkerId = storage.EffectiveWorkerId,
            // Without it a start that hits a running instance is silently dropped; the client must be told.
            ThrowExceptionOnInvalidDedupeStatus = true,
            StorageAccountClientProvider = CreateClientProvider(storage.ConnectionString, options.ConfigureClientOptions),
            LoggerFactory = loggerFactory,
        };
    }

    private static StorageAccountClientProvider CreateClientProvider(
        string connectionString, Action<Azure.Core.ClientOptions>? configure)
    {
        var blob = new BlobClientOptions();
        var queue = new QueueClientOptions();
        var table = new TableClientOptions();
        if (configure is not null)
        {
            configure(blob);
            configure(queue);
            configure(table);
        }
        return new StorageAccountClientProvider(
            StorageServiceClientProvider.ForBlob(connectionString, blob),
            StorageServiceClientProvider.ForQueue(connectionString, queue),
            StorageServiceClientProvider.ForTable(connectionString, table));
    }
}
