using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>Creates the task hub's tables, queues and container at host start when the Azure Storage backend is selected.</summary>
internal sealed class AzureStorageProvisioning(IServiceProvider services, IOptions<DurableTaskOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Backend != DurableTaskOptions.AzureStorageBackend) return;
        var store = services.GetRequiredKeyedService<IOrchestrationStore>(DurableTaskOptions.AzureStorageBackend);
        if (store is AzureStorageOrchestrationStore azure)
            await azure.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
