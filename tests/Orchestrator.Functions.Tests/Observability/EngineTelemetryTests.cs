using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Durable;
using Orchestrator.Durable.Testing;
using Orchestrator.Functions.Observability;

namespace Orchestrator.Functions.Tests.Observability;

/// <summary>
/// The engine's ActivitySource and Meter, heard in process (MeterListener, ActivityListener) while an orchestration
/// runs on the test host with a fake clock: episodes, activities (completed and failed), a timer delivered late,
/// started/ended instances, spans with the instance id, and the log scope with InstanceId and ProjectCode.
/// </summary>
public sealed class EngineTelemetryTests
{
    private const string Probe = "TelemetryProbe";
    private const string Work = "TelemetryProbeWork";
    private const string Fails = "TelemetryProbeFails";

    private sealed record Measured(string Instrument, double Value, Dictionary<string, object?> Tags);

    [Fact]
    public async Task Episodes_activities_and_late_timers_are_measured_and_traced()
    {
        var measured = new ConcurrentBag<Measured>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DurableTelemetry.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        void OnMeasurement<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? _) where T : struct
        {
            var dict = new Dictionary<string, object?>();
            foreach (var tag in tags) dict[tag.Key] = tag.Value;
            if (Equals(dict.GetValueOrDefault(DurableTelemetry.OrchestrationTag), Probe)
                || dict.GetValueOrDefault(DurableTelemetry.ActivityTag) is Work or Fails)
            {
                measured.Add(new Measured(instrument.Name, Convert.ToDouble(value), dict));
            }
        }
        meters.SetMeasurementEventCallback<long>(OnMeasurement);
        meters.SetMeasurementEventCallback<double>(OnMeasurement);
        meters.Start();

        var spans = new ConcurrentBag<Activity>();
        var instanceId = "project-2611-000000-00-01-000009-item-LAND-USE";
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DurableTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (Equals(a.GetTagItem(DurableTelemetry.InstanceIdTag), instanceId)) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(activities);

        var logs = new ScopeCapturingLoggerProvider();
        ILogger? activityLogger = null;
        await using var host = await DurableTestHost.StartAsync(registry =>
        {
            registry.AddOrchestratorFunc<object?, string>(Probe, async (context, _) =>
            {
                await context.CallActivityAsync<string>(Work, "x");
                try { await context.CallActivityAsync<string>(Fails, null); }
                catch (TaskFailedException) { }
                await context.CreateTimer(context.CurrentUtcDateTime.AddMinutes(1), CancellationToken.None);
                return "done";
            });
            registry.AddActivityFunc<string, string>(Work, (_, input) =>
            {
                activityLogger?.LogInformation("working on {Input}", input);
                return Task.FromResult(input + "!");
            });
            registry.AddActivityFunc<object?, string>(Fails, (_, _) => throw new InvalidOperationException("probe failure"));
        }, services =>
        {
            services.AddLogging(b => b.AddProvider(logs));
            services.AddSingleton<IInstanceLogScopeEnricher, ProjectCodeLogScopeEnricher>();
        });
        activityLogger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("probe");

        await host.Client.ScheduleNewOrchestrationInstanceAsync(Probe, null, new StartOrchestrationOptions { InstanceId = instanceId });
        await host.RunUntilIdleAsync();
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(instanceId))!.RuntimeStatus);

        host.Clock.Advance(TimeSpan.FromMinutes(11)); // the 1-minute timer is now 10 minutes overdue
        await host.RunUntilIdleAsync();
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host.Client.GetInstanceAsync(instanceId))!.RuntimeStatus);
        meters.RecordObservableInstruments();

        // episodes
        var episodes = measured.Where(m => m.Instrument == "orchestrator.durable.episodes").ToList();
        Assert.True(episodes.Count(m => Equals(m.Tags[DurableTelemetry.OutcomeTag], "committed")) >= 4, $"episodes: {episodes.Count}");
        Assert.Contains(measured, m => m.Instrument == "orchestrator.durable.episode.duration" && m.Value >= 0);

        // activities, by outcome
        var activityRuns = measured.Where(m => m.Instrument == "orchestrator.durable.activity.duration").ToList();
        Assert.Single(activityRuns, m => Equals(m.Tags[DurableTelemetry.ActivityTag], Work) && Equals(m.Tags[DurableTelemetry.OutcomeTag], "completed"));
        Assert.Single(activityRuns, m => Equals(m.Tags[DurableTelemetry.ActivityTag], Fails) && Equals(m.Tags[DurableTelemetry.OutcomeTag], "failed"));

        // the late timer: delivered 10 minutes after its due time
        var lateness = Assert.Single(measured, m => m.Instrument == "orchestrator.durable.timer.lateness");
        Assert.InRange(lateness.Value, 599, 601);

        // started and ended
        Assert.Single(measured, m => m.Instrument == "orchestrator.durable.orchestrations.started");
        var ended = Assert.Single(measured, m => m.Instrument == "orchestrator.durable.orchestrations.ended");
        Assert.Equal("Completed", ended.Tags[DurableTelemetry.StatusTag]);

        // no instance id on any metric (cardinality)
        Assert.DoesNotContain(measured, m => m.Tags.ContainsKey(DurableTelemetry.InstanceIdTag));

        // spans
        Assert.Contains(spans, s => s.DisplayName == $"episode {Probe}");
        Assert.Contains(spans, s => s.DisplayName == $"activity {Work}" && s.Status != ActivityStatusCode.Error);
        Assert.Contains(spans, s => s.DisplayName == $"activity {Fails}" && s.Status == ActivityStatusCode.Error && s.StatusDescription == "probe failure");

        // structured logs: the activity's log line carries InstanceId and ProjectCode as scope properties
        var line = Assert.Single(logs.Entries, e => e.Message == "working on x");
        Assert.Equal(instanceId, line.Scope["InstanceId"]);
        Assert.Equal("2611-000000-00-01-000009", line.Scope[ProjectCodes.ScopeProperty]);
        Assert.Equal(Work, line.Scope["ActivityName"]);
    }

    [Theory]
    [InlineData("project-2603-141124-89-05-346948", "2603-141124-89-05-346948")]
    [InlineData("project-2603-141124-89-05-346948-item-LAND-USE-r2", "2603-141124-89-05-346948")]
    [InlineData("project-2603-141124-89-05-346948-meeting-1", "2603-141124-89-05-346948")]
    [InlineData("schedule:SlaSweep:20261120T003000Z", null)]
    [InlineData("dash-hello-1", null)]
    public void Project_codes_come_from_the_lifecycle_instance_ids(string instanceId, string? projectCode) =>
        Assert.Equal(projectCode, ProjectCodes.FromInstanceId(instanceId));

    /// <summary>Records every log line with the properties of the scopes around it.</summary>
    private sealed class ScopeCapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentBag<(string Message, Dictionary<string, object?> Scope)> Entries { get; } = [];

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;
        public ILogger CreateLogger(string categoryName) => new Logger(this);
        public void Dispose() { }

        private sealed class Logger(ScopeCapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);
            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new Dictionary<string, object?>();
                owner._scopes.ForEachScope((s, d) =>
                {
                    if (s is IEnumerable<KeyValuePair<string, object?>> pairs) foreach (var p in pairs) d[p.Key] = p.Value;
                }, scope);
                owner.Entries.Add((formatter(state, exception), scope));
            }
        }
    }
}
