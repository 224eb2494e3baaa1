using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Orchestrator.Durable.Hosting;

/// <summary>Fails the host at start with messages that name the key and say what to put there.</summary>
internal sealed partial class DurableTaskHubOptionsValidator : IValidateOptions<DurableTaskHubOptions>
{
    private const string Prefix = DurableTaskHubOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, DurableTaskHubOptions options)
    {
        var errors = new List<string>();
        var storage = options.AzureStorage;
        var worker = options.Worker;

        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
            errors.Add($"{Prefix}AzureStorage:ConnectionString is empty: set an Azure Storage connection string " +
                       "(\"UseDevelopmentStorage=true\" for Azurite).");

        if (!IsValidTaskHubName(storage.TaskHubName))
            errors.Add($"{Prefix}AzureStorage:TaskHubName '{storage.TaskHubName}' is not valid: use 3 to 45 letters " +
                       "and digits, starting with a letter (e.g. \"OrchestratorHub\"). It prefixes table, queue and " +
                       "container names, which allow nothing else.");

        if (storage.PartitionCount is < 1 or > 16)
            errors.Add($"{Prefix}AzureStorage:PartitionCount is {storage.PartitionCount}: use a whole number from 1 to 16 " +
                       "(default 4). It cannot change once the task hub exists.");

        if (storage.MaxQueuePollingInterval <= TimeSpan.Zero)
            errors.Add($"{Prefix}AzureStorage:MaxQueuePollingInterval is {storage.MaxQueuePollingInterval}: use a positive " +
                       "time span such as \"00:00:30\" (the default).");

        if (storage.ExtendedSessionIdleTimeout <= TimeSpan.Zero)
            errors.Add($"{Prefix}AzureStorage:ExtendedSessionIdleTimeout is {storage.ExtendedSessionIdleTimeout}: use a " +
                       "positive time span such as \"00:00:30\" (the default).");

        if (storage.ControlQueueBatchSize is < 1 or > 32)
            errors.Add($"{Prefix}AzureStorage:ControlQueueBatchSize is {storage.ControlQueueBatchSize}: use 1 to 32 " +
                       "(Azure queues return at most 32 messages per read; default 32).");

        if (storage.LeaseInterval <= TimeSpan.Zero || storage.LeaseRenewInterval <= TimeSpan.Zero || storage.LeaseAcquireInterval <= TimeSpan.Zero
            || storage.LeaseRenewInterval >= storage.LeaseInterval)
            errors.Add($"{Prefix}AzureStorage:LeaseInterval ({storage.LeaseInterval}), LeaseRenewInterval ({storage.LeaseRenewInterval}) and " +
                       $"LeaseAcquireInterval ({storage.LeaseAcquireInterval}) must be positive, with the renewal shorter than the lease " +
                       "(defaults 00:00:30, 00:00:10, 00:00:10).");

        if (storage.ControlQueueVisibilityTimeout < TimeSpan.FromSeconds(1) || storage.WorkItemQueueVisibilityTimeout < TimeSpan.FromSeconds(1))
            errors.Add($"{Prefix}AzureStorage:ControlQueueVisibilityTimeout ({storage.ControlQueueVisibilityTimeout}) and " +
                       $"WorkItemQueueVisibilityTimeout ({storage.WorkItemQueueVisibilityTimeout}) must be at least one second " +
                       "(default 00:05:00: how long a crashed worker's message waits before another worker gets it).");

        if (worker.MaxConcurrentOrchestrations < 1)
            errors.Add($"{Prefix}Worker:MaxConcurrentOrchestrations is {worker.MaxConcurrentOrchestrations}: use 1 or more (default 100).");

        if (worker.MaxConcurrentActivities < 1)
            errors.Add($"{Prefix}Worker:MaxConcurrentActivities is {worker.MaxConcurrentActivities}: use 1 or more " +
                       "(default 10 per processor core).");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// DTFx's AzureStorage provider only checks that the name is not empty; this is the rule Durable Functions
    /// applies to Azure Storage task hubs (its NameValidator): the name becomes "{hub}History" and "{hub}Instances"
    /// tables (alphanumeric, starting with a letter) and "{hub}-workitems", "{hub}-applease", "{hub}-largemessages"
    /// queues and containers (at most 63 characters), hence 3 to 45 letters and digits.
    /// </summary>
    internal static bool IsValidTaskHubName(string? name) => name is not null && TaskHubNameRule().IsMatch(name);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,44}$")]
    private static partial Regex TaskHubNameRule();
}
