using Cronos;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.DurableTask;
using Orchestrator.SelfHost.Durable;
using Orchestrator.Orchestrations.Clocks;

namespace Orchestrator.SelfHost.Scheduling;

/// <summary>
/// A scheduled (timer-triggered) function: work that runs at each occurrence of a cron expression from
/// configuration (Schedules:Functions:{name}:Cron). Register it with
/// <see cref="ScheduledFunctionRegistration.AddScheduledFunction{TFunction}"/>; it is resolved from DI in a new
/// scope per run. Each occurrence runs once across every process: it is started as a durable orchestration whose
/// instance id is derived from the function name and the occurrence time, which the engine refuses to create twice,
/// and the function itself runs as that orchestration's activity (at-least-once, like every activity: make it idempotent).
/// </summary>
public interface IScheduledFunction
{
    Task RunAsync(ScheduledFunctionContext context, CancellationToken cancellationToken);
}

/// <param name="Name">The scheduled function's name.</param>
/// <param name="ScheduledTime">The occurrence being run (UTC), not the time the run started.</param>
/// <param name="InstanceId">The orchestration instance that carries this occurrence.</param>
public sealed record ScheduledFunctionContext(string Name, DateTimeOffset ScheduledTime, string InstanceId);

/// <summary>Section "Schedules".</summary>
public sealed class SchedulesOptions
{
    public const string SectionName = "Schedules";

    /// <summary>False: this process starts no scheduled occurrences (other processes still may).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long after its occurrence an occurrence's instance stays active (it waits on a durable timer after the
    /// function ran). While it is active the engine refuses a second instance with that id outright; afterwards a
    /// process sees the ended instance and skips. Covers schedulers that reach the same occurrence late (a slow or
    /// paused process). Default 10 minutes.
    /// </summary>
    public TimeSpan DuplicateGuard { get; set; } = TimeSpan.FromMinutes(10);

    public Dictionary<string, ScheduleSettings> Functions { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class ScheduleSettings
{
    /// <summary>5 fields (minute hour day month weekday) or 6 with seconds first.</summary>
    public string? Cron { get; set; }
    /// <summary>IANA or Windows time zone id the expression is evaluated in; default UTC.</summary>
    public string? TimeZone { get; set; }
    public bool Enabled { get; set; } = true;
}

/// <summary>A registered scheduled function: its name, type and the cron used when configuration gives none.</summary>
public sealed record ScheduledFunctionDescriptor(string Name, Type FunctionType, string? DefaultCron);

/// <summary>An occurrence, the input of the <c>ScheduledFunction</c> orchestration.</summary>
/// <param name="HoldUntil">The instance stays Running (after the function has run) until then, so that its id stays taken.</param>
public sealed record ScheduledOccurrence(string Function, DateTimeOffset ScheduledTime, DateTimeOffset? HoldUntil = null, DomainClock? Clock = null);

public static class ScheduledFunctionRegistration
{
    public const string OrchestratorName = "ScheduledFunction";
    public const string ActivityName = "RunScheduledFunction";
    private const string InfrastructureKey = "Orchestrator.ScheduledFunctions";

    /// <summary>Scheduling infrastructure: the scheduler hosted service, options validated at start, the carrier orchestration.</summary>
    public static WebApplicationBuilder AddScheduledFunctions(this WebApplicationBuilder builder)
    {
        var properties = ((IHostApplicationBuilder)builder).Properties;
        if (!properties.TryAdd(InfrastructureKey, true)) return builder;

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SchedulesOptions>()
            .Bind(builder.Configuration.GetSection(SchedulesOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SchedulesOptions>, SchedulesOptionsValidator>();
        services.AddSingleton<ScheduledFunctionScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduledFunctionScheduler>());
        builder.AddDurableRegistrations(registry =>
        {
            registry.AddOrchestrator<ScheduledFunctionOrchestrator>(OrchestratorName);
            registry.AddActivity<RunScheduledFunctionActivity>(ActivityName);
        });
        return builder;
    }

    /// <summary>Registers a scheduled function under <paramref name="name"/>; its cron comes from Schedules:Functions:{name}:Cron, else <paramref name="defaultCron"/>.</summary>
    public static WebApplicationBuilder AddScheduledFunction<TFunction>(this WebApplicationBuilder builder, string name, string? defaultCron = null)
        where TFunction : class, IScheduledFunction
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.AddScheduledFunctions();
        builder.Services.TryAddScoped<TFunction>();
        builder.Services.AddSingleton(new ScheduledFunctionDescriptor(name, typeof(TFunction), defaultCron));
        return builder;
    }

    internal static CronExpression ParseCron(string expression) =>
        CronExpression.Parse(expression.Trim(),
            expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
}

/// <summary>Runs the scheduled function named in the occurrence, in a new DI scope.</summary>
/// <summary>
/// Runs one occurrence of a scheduled function as its activity, then holds the occurrence's instance id until
/// <see cref="ScheduledOccurrence.HoldUntil"/> (domain time, on the occurrence's clock) so no process starts it again.
/// </summary>
internal sealed class ScheduledFunctionOrchestrator : TaskOrchestrator<ScheduledOccurrence, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, ScheduledOccurrence occurrence)
    {
        await context.CallActivityAsync<bool>(ScheduledFunctionRegistration.ActivityName, occurrence);
        var clock = occurrence.Clock ?? DomainClock.RealTime;
        // A loop, not one timer: DTFx on Azure Storage may deliver a timer up to a second early (queue visibility
        // delays are whole seconds), which a fast domain clock multiplies; wait again until the domain instant has passed.
        while (occurrence.HoldUntil is { } hold && hold > clock.ToDomain(context.CurrentUtcDateTime))
        {
            context.SetCustomStatus(new { ran = true, holdUntil = hold });
            await context.CreateTimer(clock.ToReal(hold), CancellationToken.None);
        }
        return "done";
    }
}

internal sealed class RunScheduledFunctionActivity(IServiceProvider services, IEnumerable<ScheduledFunctionDescriptor> descriptors)
    : TaskActivity<ScheduledOccurrence, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ScheduledOccurrence input)
    {
        var descriptor = descriptors.FirstOrDefault(d => string.Equals(d.Name, input.Function, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"No scheduled function named '{input.Function}' is registered in this process.");
        await using var scope = services.CreateAsyncScope();
        var function = (IScheduledFunction)scope.ServiceProvider.GetRequiredService(descriptor.FunctionType);
        await function.RunAsync(new ScheduledFunctionContext(descriptor.Name, input.ScheduledTime, context.InstanceId), CancellationToken.None);
        return true;
    }
}

internal sealed class SchedulesOptionsValidator(IEnumerable<ScheduledFunctionDescriptor> descriptors) : IValidateOptions<SchedulesOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulesOptions options)
    {
        var errors = new List<string>();
        if (options.DuplicateGuard < TimeSpan.Zero || options.DuplicateGuard > TimeSpan.FromDays(1))
            errors.Add($"Schedules:DuplicateGuard is {options.DuplicateGuard}; use 00:00:00 to 1.00:00:00 (default 00:10:00).");
        var registered = descriptors.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var (function, settings) in options.Functions)
        {
            if (!registered.ContainsKey(function))
            {
                errors.Add($"Schedules:Functions:{function} is configured, but no scheduled function of that name is registered. Registered: {(registered.Count == 0 ? "none" : string.Join(", ", registered.Keys))}.");
            }
        }
        foreach (var d in registered.Values)
        {
            options.Functions.TryGetValue(d.Name, out var settings);
            var cron = string.IsNullOrWhiteSpace(settings?.Cron) ? d.DefaultCron : settings!.Cron;
            if (settings is { Enabled: false }) continue;
            if (string.IsNullOrWhiteSpace(cron))
            {
                errors.Add($"Schedules:Functions:{d.Name}:Cron is missing; give a cron expression such as \"0 2 * * *\" (02:00 every day), or set Enabled to false.");
                continue;
            }
            try { ScheduledFunctionRegistration.ParseCron(cron); }
            catch (CronFormatException ex)
            {
                errors.Add($"Schedules:Functions:{d.Name}:Cron \"{cron}\" is not a valid cron expression ({ex.Message}); use 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first.");
            }
            if (!string.IsNullOrWhiteSpace(settings?.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(settings.TimeZone, out _))
            {
                errors.Add($"Schedules:Functions:{d.Name}:TimeZone \"{settings.TimeZone}\" is not a known time zone id; use an IANA id such as Europe/Oslo, or leave it empty for UTC.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
