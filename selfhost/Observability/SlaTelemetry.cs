using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.SelfHost.Observability;

/// <summary>
/// SLA metrics (meter "Orchestrator.Sla"), from the lifecycle's SLA board and escalation list as last read:
/// <list type="bullet">
/// <item><c>orchestrator.sla.items</c> (gauge): running item clocks by <c>sla.light</c> (green|yellow|red) and <c>sla.department</c>.</item>
/// <item><c>orchestrator.sla.overdue_not_escalated</c> (gauge): overdue items that have not escalated yet.</item>
/// <item><c>orchestrator.sla.escalations.open</c> (gauge): open escalations by <c>sla.level</c>.</item>
/// <item><c>orchestrator.sla.escalations.opened</c> (counter): escalations this process saw open for the first time, by level.</item>
/// <item><c>orchestrator.sla.board.reads</c> (counter): board reads, by outcome.</item>
/// </list>
/// The engine's <c>orchestrator.durable.orchestrations.started{durable.orchestration=JointMeeting}</c> counts
/// escalations exactly (one joint-meeting instance per escalation).
/// </summary>
public sealed class SlaTelemetry : IDisposable
{
    public const string MeterName = "Orchestrator.Sla";

    private readonly Meter _meter;
    private readonly Counter<long> _opened;
    private readonly Counter<long> _reads;
    private readonly HashSet<string> _seenEscalations = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private IReadOnlyList<Measurement<int>> _items = [];
    private IReadOnlyList<Measurement<int>> _openEscalations = [];
    private int? _overdueNotEscalated;

    public SlaTelemetry(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("orchestrator.sla.items", () => Volatile.Read(ref _items), "{item}",
            "Running item clocks by SLA light and department, as of the last SLA board read.");
        _meter.CreateObservableGauge("orchestrator.sla.overdue_not_escalated",
            () => _overdueNotEscalated is { } n ? [new Measurement<int>(n)] : Array.Empty<Measurement<int>>(), "{item}",
            "Overdue items that have not escalated yet, as of the last SLA board read.");
        _meter.CreateObservableGauge("orchestrator.sla.escalations.open", () => Volatile.Read(ref _openEscalations), "{escalation}",
            "Open escalations (joint meetings, leadership) by level.");
        _opened = _meter.CreateCounter<long>("orchestrator.sla.escalations.opened", "{escalation}",
            "Escalations this process saw open for the first time, by level.");
        _reads = _meter.CreateCounter<long>("orchestrator.sla.board.reads", "{read}", "SLA board reads by outcome.");
    }

    /// <summary>The last board: replaces the item gauges.</summary>
    public void Observe(SlaBoard board)
    {
        var items = new List<Measurement<int>>();
        foreach (var d in board.Departments)
        {
            var department = new KeyValuePair<string, object?>("sla.department", d.DepartmentCode);
            items.Add(new(d.Green, new("sla.light", "green"), department));
            items.Add(new(d.Yellow, new("sla.light", "yellow"), department));
            items.Add(new(d.Red, new("sla.light", "red"), department));
        }
        Volatile.Write(ref _items, items);
        _overdueNotEscalated = board.OverdueNotEscalated.Count;
        _reads.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
    }

    public void ObserveFailure() => _reads.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));

    /// <summary>The open escalations: replaces the open gauge; counts the ones not seen before.</summary>
    public void Observe(IReadOnlyList<EscalationView> openEscalations)
    {
        var open = openEscalations.Where(e => e.ResolvedAt is null).ToList();
        Volatile.Write(ref _openEscalations, open
            .GroupBy(e => e.Level.ToString())
            .Select(g => new Measurement<int>(g.Count(), new KeyValuePair<string, object?>("sla.level", g.Key)))
            .ToList());
        lock (_gate)
        {
            foreach (var e in open)
            {
                if (_seenEscalations.Add($"{e.MeetingInstanceId}|{e.Level}"))
                    _opened.Add(1, new KeyValuePair<string, object?>("sla.level", e.Level.ToString()));
            }
        }
    }

    public void Dispose() => _meter.Dispose();
}

/// <summary>Refreshes <see cref="SlaTelemetry"/> every Observability:SlaRefreshInterval when the lifecycle is in this host.</summary>
internal sealed class SlaTelemetryRefresher(
    IServiceProvider services,
    SlaTelemetry telemetry,
    IOptions<ObservabilityOptions> options,
    TimeProvider time,
    ILogger<SlaTelemetryRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SlaRefreshInterval;
        if (interval <= TimeSpan.Zero || services.GetService<IProjectQueries>() is not { } queries) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                telemetry.Observe(await queries.GetSlaBoardAsync(time.GetUtcNow(), stoppingToken));
                telemetry.Observe(await queries.ListEscalationsAsync(openOnly: true, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                telemetry.ObserveFailure();
                logger.LogWarning(ex, "Could not refresh the SLA metrics; retrying in {Interval}", interval);
            }
            try { await Task.Delay(interval, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
