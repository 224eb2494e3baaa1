using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orchestrator.SelfHost.Observability;
using Orchestrator.Functions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.Functions.Tests.Observability;

/// <summary>
/// The engine's traces now come from DTFx itself (ActivitySource "DurableTask.Core"): a HelloSequence started over the
/// management API is traced as orchestration and activity spans carrying the instance id, collected by the host's
/// OpenTelemetry pipeline (Telemetry:Enabled), and lifecycle ids get the project code tag.
/// </summary>
public sealed class DurableTaskTracingTests(ITestOutputHelper output)
{
    /// <summary>Keeps the spans the host's tracer provider hands to its processors (what an exporter would get).</summary>
    private sealed class CollectingProcessor : BaseProcessor<Activity>
    {
        public ConcurrentBag<Activity> Ended { get; } = [];
        public override void OnEnd(Activity data) => Ended.Add(data);
    }

    [Fact]
    public async Task A_HelloSequence_is_traced_by_DurableTask_Core_with_its_instance_id_and_project_code()
    {
        var collected = new CollectingProcessor();
        await using var host = await HostUnderTest.StartAsync(
            s => s["Telemetry:Enabled"] = "true",
            builder => builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(collected)));
        using var ops = host.Client();

        // A lifecycle-shaped id, so the host's span processor adds the project code.
        const string code = "2611-000000-00-01-000009";
        var id = $"project-{code}";
        await ops.StartAsync("HelloSequence", """{"count":2,"delayMs":0}""", id);
        Assert.Equal("Completed", (string?)(await ops.WaitForEndAsync(id))["runtimeStatus"]);

        List<Activity> Engine() => collected.Ended
            .Where(a => a.Source.Name == ObservabilityRegistration.DurableTaskCoreSource && Equals(a.GetTagItem(ProjectCodes.InstanceIdTag), id))
            .ToList();
        // Spans end as the episodes end: the last one may be handed over a moment after the status reads Completed.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Engine().Count(a => a.Kind == ActivityKind.Server || a.DisplayName.Contains("SayHello")) < 3 && DateTime.UtcNow < deadline)
            await Task.Delay(100);

        var spans = Engine();
        foreach (var s in collected.Ended.Where(a => a.Source.Name == ObservabilityRegistration.DurableTaskCoreSource))
            output.WriteLine($"{s.DisplayName} kind={s.Kind} trace={s.TraceId} tags={string.Join(",", s.TagObjects.Select(t => $"{t.Key}={t.Value}"))}");

        Assert.Contains(spans, s => s.DisplayName.Contains("HelloSequence"));
        Assert.True(spans.Count(s => s.DisplayName.Contains("SayHello")) >= 2, $"activity spans: {string.Join(", ", spans.Select(s => s.DisplayName))}");
        Assert.All(spans, s => Assert.Equal(code, s.GetTagItem(ProjectCodes.SpanTag)));
        // One trace: the engine's spans continue the HTTP request that started the instance.
        Assert.Single(spans.Select(s => s.TraceId).Distinct());
    }

    [Theory]
    [InlineData("project-2603-141124-89-05-346948", "2603-141124-89-05-346948")]
    [InlineData("item-2603-141124-89-05-346948-S1-LAND-USE-PLANNING", "2603-141124-89-05-346948")]
    [InlineData("item-2603-141124-89-05-346948-S1-LAND-USE-PLANNING-r2", "2603-141124-89-05-346948")]
    [InlineData("item-2603-141124-89-05-346948-S1-EIA-verify", "2603-141124-89-05-346948")]
    [InlineData("meeting-2603-141124-89-05-346948-1", "2603-141124-89-05-346948")]
    [InlineData("item-not-a-project-code-at-all-x", null)]
    [InlineData("schedule:SlaSweep:20261120T003000Z", null)]
    [InlineData("dash-hello-1", null)]
    public void Project_codes_come_from_the_lifecycle_instance_ids(string instanceId, string? projectCode) =>
        Assert.Equal(projectCode, ProjectCodes.FromInstanceId(instanceId));
}
