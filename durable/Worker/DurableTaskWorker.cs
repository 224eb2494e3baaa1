using Microsoft.Extensions.Hosting;

namespace Orchestrator.Durable.Worker;

/// <summary>The hosted service running episodes and activities.</summary>
internal sealed class DurableTaskWorker : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
}
