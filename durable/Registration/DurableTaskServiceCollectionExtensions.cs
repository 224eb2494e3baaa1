using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable;

/// <summary>The one place where the engine is registered.</summary>
public static partial class DurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Registers orchestrators and activities, the <see cref="DurableTaskClient"/>, the store selected by
    /// DurableTaskOptions.Backend and the worker (a hosted service, active when DurableTaskOptions.Worker.Enabled).
    /// Calling it again adds more registrations to the same registry.
    /// </summary>
    public static IServiceCollection AddDurableTask(this IServiceCollection services, Action<DurableTaskRegistry> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(DurableTaskRegistry))?.ImplementationInstance as DurableTaskRegistry;
        var registry = existing ?? new DurableTaskRegistry();
        var activityCountBefore = registry.ActivityTypes.Count;
        configure(registry);
        foreach (var activityType in registry.ActivityTypes.Skip(activityCountBefore))
            services.TryAddScoped(activityType);
        if (existing is not null)
            return services;

        services.AddSingleton(registry);
        services.AddOptions<DurableTaskOptions>();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);

        // Backends are keyed by the Backend option's value; the store in use is picked at resolution time.
        services.TryAddKeyedSingleton<IOrchestrationStore>(DurableTaskOptions.InMemoryBackend,
            (sp, _) => new InMemory.InMemoryOrchestrationStore(sp.GetRequiredService<TimeProvider>()));
        AddAzureStorageBackend(services);
        services.TryAddSingleton<IOrchestrationStore>(sp =>
        {
            var backend = sp.GetRequiredService<IOptions<DurableTaskOptions>>().Value.Backend;
            return sp.GetKeyedService<IOrchestrationStore>(backend)
                ?? throw new InvalidOperationException($"Durable:Backend '{backend}' is not available. Use '{DurableTaskOptions.AzureStorageBackend}' or '{DurableTaskOptions.InMemoryBackend}'.");
        });

        services.TryAddSingleton<Execution.OrchestrationCatalog>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DurableTaskOptions>>().Value;
            return new Execution.EpisodePlanner(sp.GetRequiredService<Execution.OrchestrationCatalog>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(), options.MaxPayloadBytes, options.Worker.OrchestratorCodeTimeout);
        });
        services.TryAddSingleton(sp => new Worker.InstanceCache(sp.GetRequiredService<IOptions<DurableTaskOptions>>().Value.Worker.InstanceCacheSize));
        services.TryAddSingleton<Worker.OutboxDispatcher>();
        services.TryAddSingleton<InstanceLogScopes>();
        services.TryAddSingleton<Worker.EpisodeProcessor>();
        services.TryAddSingleton<Worker.ActivityProcessor>();
        services.TryAddSingleton<DurableTaskClient, Client.StoreDurableTaskClient>();
        services.TryAddSingleton<Worker.DurableTaskWorker>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<Worker.DurableTaskWorker>());
        return services;
    }

    /// <summary>
    /// Hook for the Azure Storage backend (implemented in durable/AzureStorage): registers a keyed singleton
    /// <c>IOrchestrationStore</c> under key <see cref="DurableTaskOptions.AzureStorageBackend"/>, plus whatever it needs.
    /// Left unimplemented, the AzureStorage backend is reported as unavailable at resolution time.
    /// </summary>
    static partial void AddAzureStorageBackend(IServiceCollection services);
}
