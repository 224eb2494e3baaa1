using Azure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>Healthy when the task hub's storage answers (one cheap request per service).</summary>
internal sealed class DurableTaskStorageHealthCheck(IOrchestrationStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (store is not AzureStorageOrchestrationStore azure)
            return HealthCheckResult.Healthy("In-memory durable store.");
        try
        {
            await azure.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Task hub '{azure.Hub.TaskHubName}' storage reachable.");
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or TaskCanceledException or AggregateException)
        {
            return HealthCheckResult.Unhealthy(
                $"Task hub '{azure.Hub.TaskHubName}' storage unreachable or not provisioned: {e.Message} " +
                "Check Durable:AzureStorage:ConnectionString and that the account (or Azurite) is running.", e);
        }
    }
}
