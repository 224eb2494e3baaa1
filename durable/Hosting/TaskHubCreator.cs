using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Durable.Hosting;

/// <summary>
/// Creates the task hub's tables, queues and containers, retrying in the background while storage does not answer,
/// so the host starts (and reports unhealthy elsewhere) instead of crashing. The worker waits on <see cref="Created"/>.
/// </summary>
internal sealed partial class TaskHubCreator(AzureStorageOrchestrationService service, ILogger<TaskHubCreator> logger)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(15);

    private readonly ILogger _logger = logger;
    private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    public Task Created => _created.Task;

    /// <summary>Starts the retry loop once; later calls return the same task.</summary>
    public Task EnsureCreatedAsync(CancellationToken stopping)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
            _ = RunAsync(stopping);
        return Created.WaitAsync(stopping);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await service.CreateIfNotExistsAsync().WaitAsync(stopping).ConfigureAwait(false);
                if (attempt > 1) LogCreatedAfterRetry(attempt);
                _created.TrySetResult();
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                _created.TrySetCanceled(stopping);
                return;
            }
            catch (Exception e)
            {
                LogCreateFailed(e, attempt, delay);
            }
            try
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _created.TrySetCanceled(stopping);
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Task hub could not be created (attempt {Attempt}); storage may be unreachable. Retrying in {Delay}.")]
    private partial void LogCreateFailed(Exception exception, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task hub created after {Attempt} attempts.")]
    private partial void LogCreatedAfterRetry(int attempt);
}
