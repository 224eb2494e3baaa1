using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Durable;
using Orchestrator.Durable.Hosting;

namespace Orchestrator.Bench;

/// <summary>A worker (or client-only) process of the bench: the service's own engine wiring with the bench's settings.</summary>
internal static class BenchHost
{
    public static async Task<IHost> StartAsync(string connection, string hub, BenchOptions o, StorageRequestCounter? counter, bool worker,
        Action<DurableTaskRegistry>? tasks = null, Action<IServiceCollection, IConfiguration>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Durable:AzureStorage:ConnectionString"] = connection,
            ["Durable:AzureStorage:TaskHubName"] = hub,
            ["Durable:AzureStorage:PartitionCount"] = o.Partitions.ToString(CultureInfo.InvariantCulture),
            ["Durable:AzureStorage:MaxQueuePollingInterval"] = TimeSpan.FromMilliseconds(o.PollingMs).ToString(),
            ["Durable:AzureStorage:ExtendedSessionsEnabled"] = o.ExtendedSessions.ToString(),
            ["Durable:AzureStorage:ControlQueueBatchSize"] = o.ControlQueueBatchSize.ToString(CultureInfo.InvariantCulture),
            ["Durable:Worker:Enabled"] = worker.ToString(),
            ["Durable:Worker:MaxConcurrentOrchestrations"] = o.MaxOrchestrations.ToString(CultureInfo.InvariantCulture),
            ["Durable:Worker:MaxConcurrentActivities"] = o.MaxActivities.ToString(CultureInfo.InvariantCulture),
        });
        services?.Invoke(builder.Services, builder.Configuration);
        builder.Services.AddSingleton<DataConverter>(DurableJson.Converter);
        builder.Services.AddDurableTaskAzureStorage(builder.Configuration.GetSection(DurableTaskHubOptions.SectionName),
            opts => { if (counter is not null) opts.ConfigureClientOptions = counter.Attach; });
        if (worker) builder.Services.AddDurableTaskWorker(b => b.AddTasks(tasks ?? (_ => { })));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static async Task StopAsync(IHost host)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await host.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        host.Dispose();
    }
}
