using Orchestrator.Durable.Client;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Orchestrator.SelfHost.Management;
using Orchestrator.SelfHost.Observability;
using Orchestrator.SelfHost.Scheduling;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.SelfHost.Dashboard;

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

    /// <summary>
    /// One page of instances. DTFx cannot query by orchestrator name or version: <paramref name="name"/> and
    /// <paramref name="version"/> ("" or "-" = unversioned) filter within the page.
    /// </summary>
    public async Task<InstancePage> ListInstancesAsync(OrchestrationQuery query, string? name, CancellationToken ct, string? version = null)
    {
        // DTFx on Azure Storage keeps a failed instance's error in its output (FailureDetails stays empty): a list of
        // failed instances reads outputs so that each row can show its error.
        if (query.Statuses is { } statuses && statuses.Any() && statuses.All(s => s == OrchestrationRuntimeStatus.Failed))
            query = query with { FetchInputsAndOutputs = true };
        var page = await InstancePages.FirstAsync(client, query, ct);
        var rows = page.Values
            .Where(m => name is null || string.Equals(m.Name, name, StringComparison.Ordinal))
            .Where(m => version is null || string.Equals(m.GetVersion() ?? "", version is "-" ? "" : version, StringComparison.Ordinal))
            .Select(Row).ToList();
        return new InstancePage(rows, page.ContinuationToken);
    }

    public async Task<InstanceDetail?> GetInstanceAsync(string instanceId, CancellationToken ct)
    {
        var m = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, ct);
        if (m is null) return null;
        var history = await client.GetOrchestrationHistoryAsync(instanceId, ct);
        var sla = await SlaOfAsync(instanceId, ct);
        var version = history.OfType<ExecutionStartedEvent>().FirstOrDefault()?.Version;
        return new InstanceDetail(Row(m), string.IsNullOrEmpty(version) ? null : version,
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
            var query = new OrchestrationQuery { InstanceIdPrefix = prefix, CreatedFrom = since, PageSize = 500, FetchInputsAndOutputs = true };
            var pages = 0;
            await foreach (var page in client.GetAllInstancesAsync(query).AsPages(pageSizeHint: 500).WithCancellation(ct))
            {
                runs.AddRange(page.Values.Select(Run));
                if (++pages >= 10) break;
            }
        }
        var shown = runs
            .OrderByDescending(r => r.ScheduledTime ?? r.CreatedTime)
            .Take(Math.Max(1, options.Value.ScheduledRunsShown))
            .ToList();
        return new ScheduleOverview(settings.Enabled, functions, shown);
    }

    // ------------------------------------------------------------------ shaping

    internal static InstanceRow Row(OrchestrationMetadata m) => new(
        m.InstanceId, m.Name, m.RuntimeStatus.ToString(), m.CreatedAt, m.LastUpdatedAt, CompletedAt(m), ParentOf(m.InstanceId),
        ShortText(m.SerializedCustomStatus), Failure(m), m.GetVersion());

    /// <summary>DTFx keeps no completion time apart from the last update, which is the end for an ended instance.</summary>
    private static DateTimeOffset? CompletedAt(OrchestrationMetadata m) => InstanceGuard.IsEnded(m.RuntimeStatus) ? m.LastUpdatedAt : null;

    /// <summary>DTFx does not record a child's parent: the lifecycle's id scheme names it (items and meetings belong to their project).</summary>
    private static string? ParentOf(string instanceId) =>
        PartOfProject().Match(instanceId) is { Success: true } match ? InstanceIds.Project(match.Groups["project"].Value) : null;

    /// <summary>The failure of a failed instance: its FailureDetails, else (DTFx Azure Storage) the error text in its output.</summary>
    private static FailureView? Failure(OrchestrationMetadata m)
    {
        if (Failure(m.FailureDetails) is { } failure) return failure;
        if (m.RuntimeStatus != OrchestrationRuntimeStatus.Failed || string.IsNullOrEmpty(m.SerializedOutput)) return null;
        string message;
        try { message = System.Text.Json.JsonSerializer.Deserialize<string>(m.SerializedOutput) ?? m.SerializedOutput; }
        catch (System.Text.Json.JsonException) { message = m.SerializedOutput; }
        return new FailureView("OrchestrationFailed", message, null);
    }

    private static FailureView? Failure(TaskFailureDetails? f)
    {
        if (f is null) return null;
        var message = f.ErrorMessage;
        for (var inner = f.InnerFailure; inner is not null; inner = inner.InnerFailure) message += $" → {inner.ErrorType}: {inner.ErrorMessage}";
        return new FailureView(f.ErrorType, message, f.StackTrace);
    }

    private static TimelineEvent Event(HistoryEvent e)
    {
        (string? name, DateTime? fireAt, int? scheduledId, string? instanceId, string? payload, FailureView? failure) = e switch
        {
            ExecutionStartedEvent s => (s.Name, null, null, null, s.Input, null),
            TaskScheduledEvent s => (s.Name, null, null, null, s.Input, null),
            TaskCompletedEvent c => (null, null, c.TaskScheduledId, null, c.Result, null),
            TaskFailedEvent f => (null, null, f.TaskScheduledId, null, null, new FailureView(f.FailureDetails?.ErrorType ?? "TaskFailed", f.FailureDetails?.ErrorMessage ?? f.Reason ?? "", f.FailureDetails?.StackTrace)),
            SubOrchestrationInstanceCreatedEvent s => (s.Name, null, null, s.InstanceId, s.Input, null),
            SubOrchestrationInstanceCompletedEvent c => (null, null, c.TaskScheduledId, null, c.Result, null),
            SubOrchestrationInstanceFailedEvent f => (null, null, f.TaskScheduledId, null, null, new FailureView(f.FailureDetails?.ErrorType ?? "SubOrchestrationFailed", f.FailureDetails?.ErrorMessage ?? f.Reason ?? "", f.FailureDetails?.StackTrace)),
            TimerCreatedEvent t => (null, t.FireAt, null, null, null, null),
            TimerFiredEvent t => (null, t.FireAt, (int?)t.TimerId, null, null, null),
            EventRaisedEvent r => (r.Name, null, null, null, r.Input, null),
            EventSentEvent s => (s.Name, null, null, s.InstanceId, s.Input, null),
            ExecutionCompletedEvent c => (null, null, null, null, c.Result, c.FailureDetails is { } fd ? new FailureView(fd.ErrorType, fd.ErrorMessage, fd.StackTrace) : null),
            ExecutionTerminatedEvent t => (null, null, null, null, t.Input, null),
            _ => ((string?)null, (DateTime?)null, (int?)null, (string?)null, (string?)null, (FailureView?)null),
        };
        string? detail = fireAt is { } at ? $"fire at {at:yyyy-MM-dd HH:mm:ss} UTC" : null;
        if (payload is not null)
        {
            var text = ShortText(payload, 160) ?? $"({payload.Length} characters)";
            detail = detail is null ? text : $"{detail}; {text}";
        }
        DateTimeOffset? fire = fireAt is { } f2 ? new DateTimeOffset(DateTime.SpecifyKind(f2, DateTimeKind.Utc)) : null;
        return new TimelineEvent(e.EventId, e.EventType.ToString(), new DateTimeOffset(DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc)), name, fire, scheduledId, instanceId,
            failure, detail);
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
        double? duration = CompletedAt(m) is { } done ? Math.Round((done - m.CreatedAt).TotalSeconds, 3) : null;
        var outcome = m.RuntimeStatus.ToString();
        string? note = null;
        if (m.RuntimeStatus == OrchestrationRuntimeStatus.Running && HeldAfterRun(m.SerializedCustomStatus) is { } holdUntil)
        {
            outcome = OrchestrationRuntimeStatus.Completed.ToString();
            note = $"ran; the instance holds the occurrence's id until {holdUntil.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC";
        }
        return new ScheduledRunView(m.InstanceId, function, scheduledTime, outcome, note, m.RuntimeStatus.ToString(), m.CreatedAt, CompletedAt(m), duration,
            Failure(m));
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

    /// <summary>Item rounds and joint meetings of a project (the lifecycle's id scheme; project codes are <c>dddd-dddddd-dd-dd-dddddd</c>).</summary>
    [GeneratedRegex("^(?:item-(?<project>[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6})-(?<item>.+?)(?:-r(?<round>[0-9]+))?|meeting-(?<project>[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6})-(?<meeting>[0-9]+))$")]
    private static partial Regex PartOfProject();

    private async Task<InstanceSla?> SlaOfAsync(string instanceId, CancellationToken ct)
    {
        var match = PartOfProject().Match(instanceId);
        if (!InstanceIds.IsProject(instanceId) && !match.Success) return null;
        var lifecycle = Lifecycle;
        if (lifecycle is null) return new InstanceSla(false, null, null, null, [], LifecycleMissing);

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
