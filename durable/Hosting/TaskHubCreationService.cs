using Microsoft.Extensions.Hosting;

namespace Orchestrator.Durable.Hosting;

/// <summary>Kicks off task hub creation at host start without blocking the start.</summary>
internal sealed class TaskHubCreationService(TaskHubCreator creator) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = creator.EnsureCreatedAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        return Task.CompletedTask;
    }
}
