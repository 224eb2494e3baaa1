using DurableTask.AzureStorage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Durable.Client;
using Orchestrator.Durable.Worker;

namespace Orchestrator.Durable.Hosting;

/// <summary>
/// Registration in Microsoft's builder vocabulary:
/// <c>services.AddDurableTaskWorker(b => b.UseAzureStorage())</c> and
/// <c>services.AddDurableTaskClient(b => b.UseAzureStorage())</c>, or both at once with
/// <see cref="AddDurableTaskAzureStorage"/>. Orchestrators and activities are added with Microsoft's
/// <c>AddDurableTaskWorker(b => b.AddTasks(r => ...))</c>, from as many components as like.
/// </summary>
public static class DurableTaskAzureStorageExtensions
{
    /// <summary>
    /// Binds <see cref="DurableTaskHubOptions"/> from <paramref name="section"/> (the "Durable" section), validates
    /// them at start, and adds the client and, when Worker:Enabled, the worker on Azure Storage.
    /// </summary>
    public static IServiceCollection AddDurableTaskAzureStorage(
        this IServiceCollection services, IConfiguration section, Action<DurableTaskHubOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        var optionsBuilder = services.AddOptions<DurableTaskHubOptions>().Bind(section);
        if (configure is not null) optionsBuilder.Configure(configure);

        // One version setting for both sides: the client starts orchestrations with it, the shim starts
        // sub-orchestrations with Versioning.DefaultVersion, and the worker matches on Versioning.Version.
        services.AddOptions<DurableTaskClientOptions>(Options.DefaultName)
            .Configure<IOptions<DurableTaskHubOptions>>((o, hub) =>
            {
                if (string.IsNullOrEmpty(o.DefaultVersion)) o.DefaultVersion = hub.Value.Versioning.Version;
            });
        services.AddOptions<DurableTaskWorkerOptions>(Options.DefaultName)
            .Configure<IOptions<DurableTaskHubOptions>>((o, hub) =>
            {
                var v = hub.Value.Versioning;
                o.Versioning ??= new DurableTaskWorkerOptions.VersioningOptions();
                if (string.IsNullOrEmpty(o.Versioning.Version)) o.Versioning.Version = v.Version;
                if (string.IsNullOrEmpty(o.Versioning.DefaultVersion)) o.Versioning.DefaultVersion = v.Version;
                o.Versioning.MatchStrategy = v.MatchStrategy;
                o.Versioning.FailureStrategy = v.FailureStrategy;
            });

        services.AddDurableTaskClient(b => b.UseAzureStorage());
        // Read here, not from options, because it decides what is registered.
        if (section.GetValue("Worker:Enabled", true))
            services.AddDurableTaskWorker(b => b.UseAzureStorage());
        return services;
    }

    /// <summary>Runs the worker in this process: DTFx's TaskHubWorker over the shared Azure Storage orchestration service.</summary>
    public static IDurableTaskWorkerBuilder UseAzureStorage(this IDurableTaskWorkerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSharedOrchestrationService();
        builder.UseBuildTarget<AzureStorageDurableTaskWorker>();
        return builder;
    }

    /// <summary>Uses <see cref="DurableTaskClient"/> over the shared Azure Storage orchestration service.</summary>
    public static IDurableTaskClientBuilder UseAzureStorage(this IDurableTaskClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSharedOrchestrationService();
        builder.UseBuildTarget<AzureStorageDurableTaskClient>();
        return builder;
    }

    private static void AddSharedOrchestrationService(this IServiceCollection services)
    {
        services.AddOptions<DurableTaskHubOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DurableTaskHubOptions>, DurableTaskHubOptionsValidator>());
        // Microsoft's ConfigureDurableOptions takes the DataConverter service for both worker and client.
        services.TryAddSingleton<DataConverter>(DurableJson.Converter);
        services.TryAddSingleton(sp => OrchestrationServiceFactory.Create(
            sp.GetRequiredService<IOptions<DurableTaskHubOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<TaskHubCreator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TaskHubCreationService>());
    }
}
