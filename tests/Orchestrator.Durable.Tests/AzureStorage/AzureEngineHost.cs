using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Durable.AzureStorage;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.Tests.AzureStorage;

/// <summary>The whole engine (client, worker, sweep) on the Azure Storage backend, as a host would run it.</summary>
internal sealed class AzureEngineHost : IAsyncDisposable
{
    private readonly IHost _host;

    private AzureEngineHost(IHost host) => _host = host;

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();
    public AzureStorageOrchestrationStore Store => (AzureStorageOrchestrationStore)_host.Services.GetRequiredService<IOrchestrationStore>();
    public IServiceProvider Services => _host.Services;

    public static async Task<AzureEngineHost> StartAsync(string connectionString, string hub, Action<DurableTaskRegistry>? registry = null,
        Action<DurableTaskOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddDurableTask(r =>
        {
            r.AddDiagnosticOrchestrations();
            registry?.Invoke(r);
        });
        builder.Services.AddDurableTaskAzureStorage(o =>
        {
            o.ConnectionString = connectionString;
            o.TaskHubName = hub;
        });
        builder.Services.Configure<DurableTaskOptions>(o =>
        {
            o.Worker.PollingInterval = TimeSpan.FromMilliseconds(20);
            o.Worker.MaxPollingInterval = TimeSpan.FromMilliseconds(250);
            o.Worker.SweepInterval = TimeSpan.FromSeconds(1);
            configure?.Invoke(o);
        });
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new AzureEngineHost(host);
    }

    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _host.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        _host.Dispose();
    }
}
