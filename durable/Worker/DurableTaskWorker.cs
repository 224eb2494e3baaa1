using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.Worker;

/// <summary>
/// The hosted service: polls the wake-up queue (episodes) and the activity queue with bounded concurrency, and
/// sweeps instances whose next wake time has passed. Stateless apart from the instance cache; run as many as
/// you like against one store. The same batch methods drive <see cref="Testing.DurableTestHost"/> step by step.
/// </summary>
internal sealed class DurableTaskWorker(IOrchestrationStore store, EpisodeProcessor episodes, ActivityProcessor activities,
    TimeProvider time, IOptions<DurableTaskOptions> options, ILogger<DurableTaskWorker> logger) : BackgroundService
{
    private readonly Dictionary<string, bool> _inFlight = new(StringComparer.Ordinal); // instance -> rerun requested
    private DurableTaskWorkerOptions Options => options.Value.Worker;

    internal EpisodeProcessor Episodes => episodes;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Options.Enabled)
            return Task.CompletedTask;
        logger.LogInformation("Durable worker started ({Backend} backend).", options.Value.Backend);
        return Task.WhenAll(
            PollAsync("orchestrations", Options.MaxConcurrentOrchestrations, ReceiveWakeUpsAsync, ProcessWakeUpAsync, stoppingToken),
            PollAsync("activities", Options.MaxConcurrentActivities, ReceiveActivitiesAsync, activities.ProcessAsync, stoppingToken),
            SweepLoopAsync(stoppingToken));
    }

    private async Task<IReadOnlyList<WakeUpNotice>> ReceiveWakeUpsAsync(int max, CancellationToken ct)
        => await store.ReceiveWakeUpsAsync(max, Options.OrchestrationVisibilityTimeout, ct).ConfigureAwait(false);

    private async Task<IReadOnlyList<ActivityLease>> ReceiveActivitiesAsync(int max, CancellationToken ct)
        => await store.ReceiveActivitiesAsync(max, Options.ActivityVisibilityTimeout, ct).ConfigureAwait(false);

    private async Task PollAsync<T>(string what, int concurrency, Func<int, CancellationToken, Task<IReadOnlyList<T>>> receive,
        Func<T, CancellationToken, Task> process, CancellationToken ct)
    {
        concurrency = Math.Max(1, concurrency);
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var delay = Options.PollingInterval;
        var running = new List<Task>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(ct).ConfigureAwait(false);
                var free = slots.CurrentCount + 1;
                IReadOnlyList<T> items;
                try
                {
                    items = await receive(free, ct).ConfigureAwait(false);
                }
                catch
                {
                    slots.Release();
                    throw;
                }
                if (items.Count == 0)
                {
                    slots.Release();
                    await Task.Delay(delay, time, ct).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Options.MaxPollingInterval.Ticks));
                    continue;
                }
                delay = Options.PollingInterval;
                for (var i = 1; i < items.Count; i++)
                    await slots.WaitAsync(ct).ConfigureAwait(false); // free >= items.Count, so this does not block
                foreach (var item in items)
                {
                    running.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await process(item, ct).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (ct.IsCancellationRequested)
                        {
                        }
                        catch (Exception ex)
                        {
                            logger.LogError(ex, "Processing {What} work failed; it will be retried when its lease expires.", what);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }, CancellationToken.None));
                }
                running.RemoveAll(t => t.IsCompleted);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Polling {What} failed; retrying.", what);
                try { await Task.Delay(Options.MaxPollingInterval, time, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
        }
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task SweepLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(ct).ConfigureAwait(false);
                await Task.Delay(Options.SweepInterval, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Sweep for due instances failed; retrying.");
            }
        }
    }

    /// <summary>Re-sends wake-ups for instances whose NextWakeAt has passed. Returns how many.</summary>
    internal async Task<int> SweepAsync(CancellationToken ct)
    {
        var due = await store.GetInstancesDueForWakeUpAsync(time.GetUtcNow(), 500, ct).ConfigureAwait(false);
        foreach (var id in due)
            await store.SendWakeUpAsync(id, null, ct).ConfigureAwait(false);
        return due.Count;
    }

    /// <summary>Runs the episode(s) a wake-up asks for; one instance is never run twice at once in this process.</summary>
    internal async Task ProcessWakeUpAsync(WakeUpNotice notice, CancellationToken ct)
    {
        var id = notice.InstanceId;
        lock (_inFlight)
        {
            if (_inFlight.ContainsKey(id))
            {
                _inFlight[id] = true; // the running task does another round
                goto complete;
            }
            _inFlight[id] = false;
        }
        try
        {
            while (true)
            {
                await episodes.RunAsync(id, ct).ConfigureAwait(false);
                lock (_inFlight)
                {
                    if (!_inFlight[id])
                    {
                        _inFlight.Remove(id);
                        break;
                    }
                    _inFlight[id] = false;
                }
            }
        }
        catch
        {
            lock (_inFlight)
                _inFlight.Remove(id);
            throw;
        }
    complete:
        await store.CompleteWakeUpAsync(notice, ct).ConfigureAwait(false);
    }

    // ------------------------------------------------------------ step-by-step driving (test host)

    /// <summary>Receives and runs visible wake-ups one at a time, in queue order. Returns how many.</summary>
    internal async Task<int> RunWakeUpsSequentiallyAsync(int max, CancellationToken ct)
    {
        var notices = await ReceiveWakeUpsAsync(max, ct).ConfigureAwait(false);
        foreach (var notice in notices)
            await ProcessWakeUpAsync(notice, ct).ConfigureAwait(false);
        return notices.Count;
    }

    /// <summary>Receives and runs visible activity work items one at a time, in queue order. Returns how many.</summary>
    internal async Task<int> RunActivitiesSequentiallyAsync(int max, CancellationToken ct)
    {
        var leases = await ReceiveActivitiesAsync(max, ct).ConfigureAwait(false);
        foreach (var lease in leases)
            await activities.ProcessAsync(lease, ct).ConfigureAwait(false);
        return leases.Count;
    }
}
