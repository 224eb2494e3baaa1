using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Durable.AzureStorage;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable;

public static partial class DurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Selects the Azure Storage backend (Durable:Backend = "AzureStorage") and optionally sets its options in code;
    /// otherwise they come from configuration (Durable:AzureStorage:ConnectionString, Durable:AzureStorage:TaskHubName).
    /// The hub's tables, queues and blob container are created when the host starts.
    /// </summary>
    public static IServiceCollection AddDurableTaskAzureStorage(this IServiceCollection services, Action<DurableTaskAzureStorageOptions>? configure = null)
    {
        services.Configure<DurableTaskOptions>(o =>
        {
            o.Backend = DurableTaskOptions.AzureStorageBackend;
            configure?.Invoke(o.AzureStorage);
        });
        AddAzureStorageBackend(services);
        return services;
    }

    static partial void AddAzureStorageBackend(IServiceCollection services)
    {
        services.TryAddKeyedSingleton<IOrchestrationStore>(DurableTaskOptions.AzureStorageBackend, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<DurableTaskOptions>>().Value;
            return new AzureStorageOrchestrationStore(
                new AzureStorageStoreOptions
                {
                    ConnectionString = options.AzureStorage.ConnectionString ?? "",
                    TaskHubName = options.AzureStorage.TaskHubName,
                    MaxPayloadBytes = options.MaxPayloadBytes,
                    WriteBehindWindow = options.AzureStorage.WriteBehindWindow,
                    LocalStarts = options.AzureStorage.LocalStarts,
                },
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILoggerFactory>()?.CreateLogger("Orchestrator.Durable.AzureStorage"));
        });
        // Registered before the worker (AddDurableTask adds it after this hook), so hosted-service start order
        // creates the storage before the worker first polls it.
        if (!services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(AzureStorageProvisioning)))
            services.AddSingleton<IHostedService, AzureStorageProvisioning>();
    }
}
