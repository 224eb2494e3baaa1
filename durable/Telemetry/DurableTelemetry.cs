using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orchestrator.Durable;

/// <summary>
/// The engine's traces and metrics, with System.Diagnostics only (no OpenTelemetry dependency): a host subscribes
/// by these names (OpenTelemetry's AddSource / AddMeter, or an ActivityListener / MeterListener).
/// <list type="bullet">
/// <item>Spans: "episode {orchestration}" per committed episode; "activity {name}" per activity run. Tags
/// <c>durable.instance_id</c>, <c>durable.orchestration</c> or <c>durable.activity</c>, <c>durable.outcome</c>.</item>
/// <item><c>orchestrator.durable.episodes</c> (counter; orchestration, outcome committed|conflict|failed) and
/// <c>orchestrator.durable.episode.duration</c> (histogram, s).</item>
/// <item><c>orchestrator.durable.activity.duration</c> (histogram, s; activity, outcome completed|failed).</item>
/// <item><c>orchestrator.durable.timer.lateness</c> (histogram, s; orchestration): how long after its due time a
/// durable timer was delivered to its orchestration (0 when on time).</item>
/// <item><c>orchestrator.durable.orchestrations.started</c> / <c>.ended</c> (counters; orchestration, and status when ended).</item>
/// </list>
/// Instance ids are span tags only, never metric tags (unbounded cardinality).
/// </summary>
public static class DurableTelemetry
{
    public const string ActivitySourceName = "Orchestrator.Durable";
    public const string MeterName = "Orchestrator.Durable";

    public const string InstanceIdTag = "durable.instance_id";
    public const string OrchestrationTag = "durable.orchestration";
    public const string ActivityTag = "durable.activity";
    public const string OutcomeTag = "durable.outcome";
    public const string StatusTag = "durable.status";

    internal static readonly ActivitySource Source = new(ActivitySourceName);
    internal static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> Episodes = Meter.CreateCounter<long>(
        "orchestrator.durable.episodes", "{episode}", "Orchestration episodes run, by orchestration and outcome.");
    internal static readonly Histogram<double> EpisodeDuration = Meter.CreateHistogram<double>(
        "orchestrator.durable.episode.duration", "s", "Time to load, replay, plan and commit one episode.");
    internal static readonly Histogram<double> ActivityDuration = Meter.CreateHistogram<double>(
        "orchestrator.durable.activity.duration", "s", "Time an activity ran, by activity and outcome.");
    internal static readonly Histogram<double> TimerLateness = Meter.CreateHistogram<double>(
        "orchestrator.durable.timer.lateness", "s", "How long after its due time a durable timer reached its orchestration.");
    internal static readonly Counter<long> OrchestrationsStarted = Meter.CreateCounter<long>(
        "orchestrator.durable.orchestrations.started", "{instance}", "Orchestration executions started, by orchestration.");
    internal static readonly Counter<long> OrchestrationsEnded = Meter.CreateCounter<long>(
        "orchestrator.durable.orchestrations.ended", "{instance}", "Orchestration executions that ended, by orchestration and status.");

    /// <summary>A finished span from <paramref name="startedAt"/> to now (created afterwards, so idle polls make no spans).</summary>
    internal static void Span(string name, DateTimeOffset startedAt, ActivityStatusCode status, string? error, params KeyValuePair<string, object?>[] tags)
    {
        if (!Source.HasListeners()) return;
        using var activity = Source.StartActivity(name, ActivityKind.Internal, parentContext: default, tags, links: null, startTime: startedAt);
        if (activity is null) return;
        activity.SetStatus(status, error);
    }
}

/// <summary>
/// Adds properties to the log scope the worker opens around each episode and activity run (which always has
/// <c>InstanceId</c>), e.g. a business key derived from the instance id. Register implementations in DI.
/// </summary>
public interface IInstanceLogScopeEnricher
{
    void Enrich(string instanceId, IDictionary<string, object?> properties);
}

/// <summary>Builds the worker's log scope for an instance: InstanceId plus what the registered enrichers add.</summary>
internal sealed class InstanceLogScopes(IEnumerable<IInstanceLogScopeEnricher> enrichers)
{
    public static InstanceLogScopes Empty { get; } = new([]);

    private readonly IInstanceLogScopeEnricher[] _enrichers = enrichers.ToArray();

    public Dictionary<string, object?> For(string instanceId, string? activityName = null)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal) { ["InstanceId"] = instanceId };
        if (activityName is not null) properties["ActivityName"] = activityName;
        foreach (var enricher in _enrichers)
        {
            try { enricher.Enrich(instanceId, properties); }
            catch { /* a scope property is never worth failing an episode for */ }
        }
        return properties;
    }
}
