using Azure.Core;

namespace Orchestrator.Durable.Hosting;

/// <summary>Settings of the task hub and its worker, bound from the "Durable" configuration section.</summary>
public sealed class DurableTaskHubOptions
{
    public const string SectionName = "Durable";

    public AzureStorageSection AzureStorage { get; set; } = new();

    public WorkerSection Worker { get; set; } = new();

    public VersioningSection Versioning { get; set; } = new();

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

        /// <summary>
        /// How long a worker owns a partition (control queue) without renewing its blob lease; after a crash, another
        /// worker takes the partition over once it lapses (DTFx default 30 s).
        /// </summary>
        public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>How often the owner renews its leases (DTFx default 10 s; below <see cref="LeaseInterval"/>).</summary>
        public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>How often a worker looks for partitions to take or balance (DTFx default 10 s).</summary>
        public TimeSpan LeaseAcquireInterval { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>How long a received control-queue message stays invisible before it is delivered again (DTFx default 5 min).</summary>
        public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>Likewise for activity messages: an activity of a crashed worker runs again after this (DTFx default 5 min).</summary>
        public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>
        /// The name this worker owns leases under. Empty: machine name and process id, so several processes on one
        /// machine balance partitions between them (DTFx's default, the machine name alone, makes them one owner).
        /// </summary>
        public string WorkerId { get; set; } = "";

        internal string EffectiveWorkerId => string.IsNullOrWhiteSpace(WorkerId) ? $"{Environment.MachineName}-{Environment.ProcessId}" : WorkerId;
    }

    public sealed class WorkerSection
    {
        /// <summary>False: this process is a client only (schedules and reads, runs nothing).</summary>
        public bool Enabled { get; set; } = true;

        public int MaxConcurrentOrchestrations { get; set; } = 100;

        public int MaxConcurrentActivities { get; set; } = 10 * Environment.ProcessorCount;
    }

    /// <summary>
    /// The app's orchestration version (section <c>Durable:Versioning</c>): new orchestrations and sub-orchestrations
    /// start with <see cref="Version"/> (recorded in their ExecutionStarted event, read as <c>context.Version</c>);
    /// the worker refuses or fails instances of other versions only when <see cref="MatchStrategy"/> says so.
    /// </summary>
    public sealed class VersioningSection
    {
        /// <summary>The version this build's orchestrators are, e.g. "2"; "" = unversioned.</summary>
        public string Version { get; set; } = "";

        /// <summary>None (default: run every version), Strict (only <see cref="Version"/>), CurrentOrOlder.</summary>
        public Microsoft.DurableTask.Worker.DurableTaskWorkerOptions.VersionMatchStrategy MatchStrategy { get; set; }
            = Microsoft.DurableTask.Worker.DurableTaskWorkerOptions.VersionMatchStrategy.None;

        /// <summary>Reject (default: leave the work for another worker) or Fail (fail the instance); only with a MatchStrategy.</summary>
        public Microsoft.DurableTask.Worker.DurableTaskWorkerOptions.VersionFailureStrategy FailureStrategy { get; set; }
            = Microsoft.DurableTask.Worker.DurableTaskWorkerOptions.VersionFailureStrategy.Reject;
    }
}
