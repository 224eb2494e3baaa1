using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.SelfHost.Observability;
using Orchestrator.Functions.Tests.Dashboard;
using Orchestrator.Functions.Tests.Infrastructure;

namespace Orchestrator.Functions.Tests.Observability;

public sealed class SlaTelemetryTests
{
    [Fact]
    public async Task The_SLA_gauges_report_items_by_light_and_department_and_open_escalations()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var telemetry = new SlaTelemetry(factory);
        var queries = new StubProjectQueries(TimeProvider.System);
        telemetry.Observe(await queries.GetSlaBoardAsync(DateTimeOffset.UtcNow));
        telemetry.Observe(await queries.ListEscalationsAsync());
        telemetry.Observe(await queries.ListEscalationsAsync()); // seen again: not counted twice

        var values = new List<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // only this factory's meter: hosts of other tests have their own SlaTelemetry
            if (instrument.Meter.Name == SlaTelemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => values.Add((instrument.Name, value, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => values.Add((instrument.Name, value, ToDictionary(tags))));
        listener.Start();
        listener.RecordObservableInstruments();

        long Items(string light, string department) => values.Single(v => v.Instrument == "orchestrator.sla.items"
            && Equals(v.Tags["sla.light"], light) && Equals(v.Tags["sla.department"], department)).Value;
        Assert.Equal(1, Items("red", "HOUSING"));
        Assert.Equal(0, Items("green", "HOUSING"));
        Assert.Equal(1, Items("green", "NATURAL-RESOURCES"));
        Assert.Equal(1, Items("yellow", "NATURAL-RESOURCES"));
        Assert.Equal(1, values.Single(v => v.Instrument == "orchestrator.sla.overdue_not_escalated").Value);
        var open = Assert.Single(values, v => v.Instrument == "orchestrator.sla.escalations.open");
        Assert.Equal(1, open.Value);
        Assert.Equal("JointMeeting", open.Tags["sla.level"]);
    }

    [Fact]
    public async Task A_wrong_exporter_is_refused_at_start_with_the_allowed_values()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            HostUnderTest.StartAsync(s => s["Observability:Exporter"] = "zipkin"));
        Assert.Contains("none, console, otlp", ex.Message);
    }

    [Fact]
    public async Task The_host_runs_with_the_otlp_exporter_configured_even_when_no_collector_listens()
    {
        await using var host = await HostUnderTest.StartAsync(s =>
        {
            s["Observability:Exporter"] = "otlp";
            s["Observability:OtlpEndpoint"] = "http://127.0.0.1:9"; // nothing listens: export fails quietly
            s["Observability:OtlpProtocol"] = "http/protobuf";
        });
        using var ops = host.Client();
        var started = await ops.StartAsync("HelloSequence", """{"count":1,"delayMs":0}""");
        var ended = await ops.WaitForEndAsync((string)started["id"]!);
        Assert.Equal("Completed", (string?)ended["runtimeStatus"]);
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var d = new Dictionary<string, object?>();
        foreach (var t in tags) d[t.Key] = t.Value;
        return d;
    }
}
