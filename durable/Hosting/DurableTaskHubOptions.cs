using Azure.Core;

namespace Orchestrator.Durable.Hosting;

/// <summary>Settings of the task hub and its worker, bound from the "Durable" configuration section.</summary>
public sealed class DurableTaskHubOptions
{
    public const string SectionName = "Durable";

    public AzureStorageSection AzureStorage { get; set; } = new();

    public WorkerSection Worker { get; set; } = new();

    /// <summary>
    /// Called on the options of every Blob, Queue and Table client the orchestration service creates, e.g. to add
    /// an <see cref="Azure.Core.Pipeline.HttpPipelinePolicy"/> that counts storage requests. Code only, not bound.
    /// </summary>
    public Action<ClientOptions>? ConfigureClientOptions { get; set; }

    public sealed class AzureStorageSection
    {
        public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

        /// <summary>Prefix of every table, queue and blob container of the hub.</summary>
        public string TaskHubName { get; set; } = "OrchestratorHub";

        /// <summary>Control queues (1-16); fixed once the hub exists.</summary>
        public int PartitionCount { get; set; } = 4;

        /// <summary>Longest back-off of an idle queue poll; it bounds the latency of the first message after a quiet spell.</summary>
        public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(30);

        public bool ExtendedSessionsEnabled { get; set; }

        public TimeSpan ExtendedSessionIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Messages fetched per control-queue poll (1-32, DTFx's default 32).</summary>
        public int ControlQueueBatchSize { get; set; } = 32;
    }

    public sealed class WorkerSection
    {
        /// <summary>False: this process is a client only (schedules and reads, runs nothing).</summary>
        public bool Enabled { get; set; } = true;

        public int MaxConcurrentOrchestrations { get; set; } = 100;

        public int MaxConcurrentActivities { get; set; } = 10 * Environment.ProcessorCount;
    }
}
