using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>
/// Creates the task hub's tables, queues and container at host start when the Azure Storage backend is selected.
/// Storage that does not answer at start does not stop the host: a process that cannot start cannot report
/// itself unhealthy, so it starts, /health answers 503, and creation is retried in the background until storage
/// answers (the worker's loops back off on storage errors meanwhile).
/// </summary>
internal sealed class AzureStorageProvisioning(
    IServiceProvider services, IOptions<DurableTaskOptions> options, ILogger<AzureStorageProvisioning> logger) : IHostedService
{
    private static readonly TimeSpan FirstAttempt = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Backend != DurableTaskOptions.AzureStorageBackend) return;
        if (services.GetRequiredKeyedService<IOrchestrationStore>(DurableTaskOptions.AzureStorageBackend) is not AzureStorageOrchestrationStore azure)
            return;

        using var first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        first.CancelAfter(FirstAttempt);
        try
        {
            await azure.EnsureCreatedAsync(first.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Azure Storage did not answer at start; the host starts anyway, /health reports 503, and the task hub " +
                "is created as soon as storage answers. Check Durable:AzureStorage:ConnectionString and that the storage account (or Azurite) is running.");
            _retrying = RetryUntilCreatedAsync(azure, _stopping.Token);
        }
    }

    private async Task RetryUntilCreatedAsync(AzureStorageOrchestrationStore azure, CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
                await azure.EnsureCreatedAsync(stopping).ConfigureAwait(false);
                logger.LogInformation("Azure Storage answers again: task hub resources are in place.");
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                logger.LogWarning("Azure Storage still unreachable ({Error}); next attempt in {Delay}.", e.Message, delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _retrying.ConfigureAwait(false);
    }
}
