using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Orchestrator.Durable;
using Orchestrator.Functions.Observability;
using Orchestrator.Functions.Scheduling;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Functions.Dashboard;

/// <summary>
/// What the dashboard reads: engine instances and history (DurableTaskClient), lifecycle views (IProjectQueries,
/// when the lifecycle is registered in this host) and the scheduled functions' runs, which are the run-once
/// <c>ScheduledFunction</c> instances (ids <c>schedule:{function}:{occurrence}</c>) and the daily SLA sweeps.
/// </summary>
public sealed partial class DashboardQueries(
    DurableTaskClient client,
    IServiceProvider services,
    TimeProvider time,
    IOptions<DashboardOptions> options,
    IEnumerable<ScheduledFunctionDescriptor> scheduled,
    IOptions<SchedulesOptions> schedules)
{
    private const int MaxTextLength = 300;
    private const int MaxPayloadChars = 64 * 1024;
    private const string ScheduledPrefix = "schedule:";
    private const string SlaSweepPrefix = "sla-sweep-";

    private IProjectQueries? Lifecycle => services.GetService<IProjectQueries>();
    private SlaTelemetry? Telemetry => services.GetService<SlaTelemetry>();

    public async Task<InstancePage> ListInstancesAsync(OrchestrationQuery query, CancellationToken ct)
    {
        var result = await client.QueryInstancesAsync(query, ct);
        return new InstancePage(result.Instances.Select(Row).ToList(), result.ContinuationToken);
    }

    public async Task<InstanceDetail?> GetInstanceAsync(string instanceId, CancellationToken ct)
    {
        var m = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, ct);
        if (m is null) return null;
        var history = await client.GetHistoryAsync(instanceId, ct);
        var sla = await SlaOfAsync(instanceId, ct);
        return new InstanceDetail(Row(m), string.IsNullOrEmpty(m.Version) ? null : m.Version,
            Payload(m.SerializedInput), Payload(m.SerializedOutput), Payload(m.SerializedCustomStatus),
            history.Select(Event).ToList(), sla);
    }

    public async Task<LifecycleRead<SlaBoard>> GetSlaBoardAsync(CancellationToken ct)
    {
        var lifecycle = Lifecycle;
        if (lifecycle is null) return new(false, null, LifecycleMissing);
        var board = await lifecycle.GetSlaBoardAsync(time.GetUtcNow(), ct);
        Telemetry?.Observe(board);
        return new(true, board, null);
    }

    public async Task<LifecycleRead<IReadOnlyList<EscalationView>>> ListEscalationsAsync(bool openOnly, CancellationToken ct)
    {
        var lifecycle = Lifecycle;
        if (lifecycle is null) return new(false, null, LifecycleMissing);
        var escalations = await lifecycle.ListEscalationsAsync(openOnly, ct);
        if (openOnly) Telemetry?.Observe(escalations);
        return new(true, escalations, null);
    }

    public async Task<ScheduleOverview> GetSchedulesAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var settings = schedules.Value;
        var functions = new List<ScheduledFunctionView>();
        foreach (var d in scheduled.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            settings.Functions.TryGetValue(d.Name, out var s);
            var cron = string.IsNullOrWhiteSpace(s?.Cron) ? d.DefaultCron : s!.Cron;
            var zoneId = string.IsNullOrWhiteSpace(s?.TimeZone) ? "UTC" : s!.TimeZone!;
            var enabled = settings.Enabled && s is not { Enabled: false };
            DateTimeOffset? next = null;
            if (enabled && !string.IsNullOrWhiteSpace(cron) && TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
            {
                try { next = ScheduledFunctionRegistration.ParseCron(cron).GetNextOccurrence(now, zone); }
                catch (Cronos.CronFormatException) { }
            }
            functions.Add(new ScheduledFunctionView(d.Name, cron, zoneId, enabled, next));
        }

        var runs = new List<ScheduledRunView>();
        var since = now - options.Value.ScheduledRunsWindow;
        foreach (var prefix in new[] { ScheduledPrefix, SlaSweepPrefix })
        {
            string? token = null;
            var pages = 0;
            do
            {
                var page = await client.QueryInstancesAsync(new OrchestrationQuery
                {
                    InstanceIdPrefix = prefix, CreatedFrom = since, PageSize = 500, ContinuationToken = token, FetchInputsAndOutputs = true,
                }, ct);
                runs.AddRange(page.Instances.Select(Run));
                token = page.ContinuationToken;
            } while (token is not null && ++pages < 10);
        }
        var shown = runs
            .OrderByDescending(r => r.ScheduledTime ?? r.CreatedTime)
            .Take(Math.Max(1, options.Value.ScheduledRunsShown))
            .ToList();
        return new ScheduleOverview(settings.Enabled, functions, shown);
    }

    // ------------------------------------------------------------------ shaping

    internal static InstanceRow Row(OrchestrationMetadata m) => new(
        m.InstanceId, m.Name, m.RuntimeStatus.ToString(), m.CreatedAt, m.LastUpdatedAt, m.CompletedAt, m.ParentInstanceId,
        ShortText(m.SerializedCustomStatus), Failure(m.FailureDetails));

    private static FailureView? Failure(TaskFailureDetails? f)
    {
        if (f is null) return null;
        var message = f.ErrorMessage;
        for (var inner = f.InnerFailure; inner is not null; inner = inner.InnerFailure) message += $" → {inner.ErrorType}: {inner.ErrorMessage}";
        return new FailureView(f.ErrorType, message, f.StackTrace);
    }

    private static TimelineEvent Event(HistoryEvent e)
    {
        string? detail = e.EventType switch
        {
            HistoryEventType.TimerCreated or HistoryEventType.TimerFired when e.FireAt is { } at => $"fire at {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
            _ => null,
        };
        var payload = e.Result ?? e.Input;
        if (payload is not null)
        {
            var text = ShortText(payload, 160) ?? $"({payload.Length} characters)";
            detail = detail is null ? text : $"{detail}; {text}";
        }
        return new TimelineEvent(e.EventId, e.EventType.ToString(), e.Timestamp, e.Name, e.FireAt, e.TaskScheduledId, e.InstanceId,
            Failure(e.FailureDetails), detail);
    }

    private static ScheduledRunView Run(OrchestrationMetadata m)
    {
        string function;
        DateTimeOffset? scheduledTime = null;
        if (m.InstanceId.StartsWith(SlaSweepPrefix, StringComparison.Ordinal))
        {
            function = m.Name;
        }
        else
        {
            ScheduledOccurrence? occurrence = null;
            try { occurrence = m.ReadInputAs<ScheduledOccurrence>(); }
            catch (JsonException) { }
            var parts = m.InstanceId.Split(':');
            function = occurrence?.Function ?? (parts.Length >= 3 ? parts[1] : m.Name);
            scheduledTime = occurrence?.ScheduledTime;
        }
        double? duration = m.CompletedAt is { } done ? Math.Round((done - m.CreatedAt).TotalSeconds, 3) : null;
        var outcome = m.RuntimeStatus.ToString();
        string? note = null;
        if (m.RuntimeStatus == OrchestrationRuntimeStatus.Running && HeldAfterRun(m.SerializedCustomStatus) is { } holdUntil)
        {
            outcome = OrchestrationRuntimeStatus.Completed.ToString();
            note = $"ran; the instance holds the occurrence's id until {holdUntil.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC";
        }
        return new ScheduledRunView(m.InstanceId, function, scheduledTime, outcome, note, m.RuntimeStatus.ToString(), m.CreatedAt, m.CompletedAt, duration,
            Failure(m.FailureDetails));
    }

    /// <summary>The ScheduledFunction orchestration's custom status {ran: true, holdUntil} once the function has run.</summary>
    private static DateTimeOffset? HeldAfterRun(string? customStatus)
    {
        if (customStatus is null) return null;
        try
        {
            var json = JsonNode.Parse(customStatus);
            return json is JsonObject o && o["ran"]?.GetValue<bool>() == true && o["holdUntil"] is { } hold
                ? hold.GetValue<DateTimeOffset>()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string? ShortText(string? serialized, int max = MaxTextLength)
    {
        if (serialized is null) return null;
        var text = serialized;
        try
        {
            if (JsonNode.Parse(serialized) is JsonValue v && v.TryGetValue<string>(out var s)) text = s;
        }
        catch (JsonException) { }
        return text.Length <= max ? text : null;
    }

    private static JsonNode? Payload(string? serialized)
    {
        if (serialized is null) return null;
        if (serialized.Length > MaxPayloadChars) return JsonValue.Create($"({serialized.Length} characters, not shown)");
        try { return JsonNode.Parse(serialized); }
        catch (JsonException) { return JsonValue.Create(serialized); }
    }

    // ------------------------------------------------------------------ SLA of one instance

    private const string LifecycleMissing =
        "The project lifecycle is not registered in this host (no IProjectQueries), so there are no SLA views.";

    [GeneratedRegex("^project-(?<project>.+?)-(?:item-(?<item>.+?)(?:-r(?<round>[0-9]+))?|meeting-(?<meeting>[0-9]+))$")]
    private static partial Regex PartOfProject();

    private async Task<InstanceSla?> SlaOfAsync(string instanceId, CancellationToken ct)
    {
        if (!instanceId.StartsWith(InstanceIds.ProjectPrefix, StringComparison.Ordinal)) return null;
        var lifecycle = Lifecycle;
        if (lifecycle is null) return new InstanceSla(false, null, null, null, [], LifecycleMissing);

        var match = PartOfProject().Match(instanceId);
        var projectCode = InstanceIds.IsProject(instanceId) ? instanceId[InstanceIds.ProjectPrefix.Length..] : match.Success ? match.Groups["project"].Value : null;
        if (projectCode is null) return null;
        var kind = InstanceIds.IsProject(instanceId) ? "project" : match.Groups["meeting"].Success ? "meeting" : "item";

        ProjectView? project;
        try
        {
            project = await lifecycle.GetProjectAsync(projectCode, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new InstanceSla(true, kind, projectCode, null, [], $"The project's SLA view could not be read: {ex.Message}");
        }
        if (project is null) return new InstanceSla(true, kind, projectCode, null, [], $"No project {projectCode} is filed.");

        var deadlines = new List<DeadlineView>();
        SlaLight? light = project.Light;
        var items = kind switch
        {
            "project" => project.Items,
            "item" => project.Items.Where(i => i.InstanceId == instanceId).ToList(),
            _ => [],
        };
        if (kind == "item") light = items.FirstOrDefault()?.Light;
        foreach (var item in items)
        {
            if (item.Due is { } due)
            {
                deadlines.Add(new DeadlineView($"{item.ItemCode} decision due", item.ItemCode, item.State.ToString(), item.Light,
                    due.DueAtUtc, due.DueDateLocal, due.DaysRemaining, due.Provisional, item.WorkingDaysLate));
            }
            if (item.MaterialsDue is { } materials)
            {
                deadlines.Add(new DeadlineView($"{item.ItemCode} materials due", item.ItemCode, item.State.ToString(), SlaLight.None,
                    materials.DueAtUtc, materials.DueDateLocal, materials.DaysRemaining, materials.Provisional, 0));
            }
            if (item.SimulatedValidUntil is { } validUntil)
            {
                deadlines.Add(new DeadlineView($"{item.ItemCode} simulated opinion valid until", item.ItemCode, item.State.ToString(), SlaLight.None,
                    validUntil, null, null, false, 0));
            }
        }
        var escalations = kind switch
        {
            "project" => project.Escalations,
            "meeting" => project.Escalations.Where(e => e.MeetingInstanceId == instanceId).ToList(),
            _ => [],
        };
        foreach (var e in escalations.Where(e => e.ResolvedAt is null))
        {
            deadlines.Add(new DeadlineView($"joint meeting {e.Sequence} ({e.Level}) convene by", null, e.State.ToString(),
                e.ConveneBy < time.GetUtcNow() ? SlaLight.Red : SlaLight.Green, e.ConveneBy, null, null, false, 0));
        }
        return new InstanceSla(true, kind, projectCode, light, deadlines.OrderBy(d => d.DueAtUtc).ToList(), null);
    }
}
