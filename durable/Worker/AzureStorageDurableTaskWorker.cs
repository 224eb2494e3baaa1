using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Durable.Hosting;

namespace Orchestrator.Durable.Worker;

/// <summary>
/// The build target of <c>UseAzureStorage()</c>: DTFx's <see cref="TaskHubWorker"/> in this process over the shared
/// <see cref="AzureStorageOrchestrationService"/>, running the registered Microsoft.DurableTask orchestrators and
/// activities through Microsoft's public shim factory.
/// </summary>
internal sealed partial class AzureStorageDurableTaskWorker : DurableTaskWorker
{
    private readonly AzureStorageOrchestrationService _service;
    private readonly TaskHubCreator _creator;
    private readonly DurableTaskWorkerOptions _workerOptions;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private TaskHubWorker? _worker;

    // The first two parameters are what DefaultDurableTaskWorkerBuilder.Build passes; the rest come from DI.
    public AzureStorageDurableTaskWorker(
        string name,
        IDurableTaskFactory factory,
        AzureStorageOrchestrationService service,
        TaskHubCreator creator,
        IOptionsMonitor<DurableTaskWorkerOptions> workerOptions,
        IServiceProvider services,
        ILoggerFactory loggerFactory)
        : base(name, factory)
    {
        _service = service;
        _creator = creator;
        _workerOptions = workerOptions.Get(name);
        _services = services;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<AzureStorageDurableTaskWorker>();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The partition manager needs the hub's leases; storage may come up after the host.
            await _creator.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        var shims = new DurableTaskShimFactory(_workerOptions, _loggerFactory);
        _worker = new TaskHubWorker(
            _service,
            new ShimOrchestrationObjectManager(Factory, shims, _services, _workerOptions.Versioning),
            new ShimActivityObjectManager(Factory, shims, _services),
            _loggerFactory);
        await _worker.StartAsync().ConfigureAwait(false);
        LogStarted(Name);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_worker is { } worker)
        {
            // Forced: DTFx's graceful stop waits out long queue polls and lease intervals; work in flight is not
            // lost either way (its messages become visible again and are replayed).
            await Task.Run(() => worker.StopAsync(isForced: true), CancellationToken.None)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            worker.Dispose();
            _worker = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Durable task worker '{Name}' started on Azure Storage.")]
    private partial void LogStarted(string name);
}
