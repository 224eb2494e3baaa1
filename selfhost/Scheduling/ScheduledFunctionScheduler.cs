using System.Globalization;
using Cronos;
using Microsoft.Extensions.Options;
using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Orchestrator.Orchestrations.Clocks;

namespace Orchestrator.SelfHost.Scheduling;

/// <summary>
/// Waits (on <see cref="TimeProvider"/>) for each scheduled function's next occurrence and starts the
/// <c>ScheduledFunction</c> orchestration for it under a deterministic instance id. Every process may do so, and the
/// occurrence still runs once: a start is skipped when the instance already exists (whatever its status), the engine
/// refuses a second start while the instance is active, and the instance stays active for
/// <see cref="SchedulesOptions.DuplicateGuard"/> after its occurrence, so a process that checked just before another
/// created the instance cannot start it again after it ended. Occurrences that passed while no process was running
/// are not caught up.
/// </summary>
public sealed class ScheduledFunctionScheduler(
    IEnumerable<ScheduledFunctionDescriptor> descriptors,
    IOptions<SchedulesOptions> options,
    DurableTaskClient client,
    TimeProvider time,
    ILogger<ScheduledFunctionScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(12);

    /// <summary>The instance id that carries an occurrence: the same in every process.</summary>
    public static string InstanceIdFor(string function, DateTimeOffset occurrence) =>
        $"schedule:{function}:{occurrence.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return Task.CompletedTask;
        var loops = new List<Task>();
        foreach (var d in descriptors)
        {
            options.Value.Functions.TryGetValue(d.Name, out var settings);
            if (settings is { Enabled: false }) continue;
            var cron = ScheduledFunctionRegistration.ParseCron(string.IsNullOrWhiteSpace(settings?.Cron) ? d.DefaultCron! : settings!.Cron!);
            var zone = string.IsNullOrWhiteSpace(settings?.TimeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
            loops.Add(RunLoopAsync(d.Name, cron, zone, stoppingToken));
        }
        return Task.WhenAll(loops);
    }

    private async Task RunLoopAsync(string function, CronExpression cron, TimeZoneInfo zone, CancellationToken ct)
    {
        var after = time.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            var next = cron.GetNextOccurrence(after, zone);
            if (next is null)
            {
                logger.LogWarning("Scheduled function {Function}: its cron expression has no further occurrence", function);
                return;
            }
            try
            {
                for (var wait = next.Value - time.GetUtcNow(); wait > TimeSpan.Zero; wait = next.Value - time.GetUtcNow())
                {
                    await Task.Delay(wait < MaxWait ? wait : MaxWait, time, ct);
                }
                await TryStartOccurrenceAsync(function, next.Value, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Scheduled function {Function}: could not start the occurrence {Occurrence}", function, next);
            }
            after = next.Value;
        }
    }

    /// <summary>Starts the occurrence unless some process already has. True when this call started it.</summary>
    public async Task<bool> TryStartOccurrenceAsync(string function, DateTimeOffset occurrence, CancellationToken ct = default)
    {
        var instanceId = InstanceIdFor(function, occurrence);
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, ct) is not null) return false;
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(ScheduledFunctionRegistration.OrchestratorName,
                new ScheduledOccurrence(function, occurrence.ToUniversalTime(),
                    options.Value.DuplicateGuard > TimeSpan.Zero ? occurrence.ToUniversalTime() + options.Value.DuplicateGuard : null,
                    DomainTimeProvider.ClockOf(time)),
                new StartOrchestrationOptions(instanceId), ct);
            logger.LogInformation("Scheduled function {Function}: started occurrence {Occurrence} as {InstanceId}", function, occurrence, instanceId);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false; // another process started it first
        }
    }
}
