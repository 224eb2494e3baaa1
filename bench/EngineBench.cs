using System.Diagnostics;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Durable.Diagnostics;

namespace Orchestrator.Bench;

/// <summary>
/// Throughput of the engine itself: N HelloSequence(5) or one FanOutFanIn(1000), with orchestrations/s, created→completed
/// latency, storage requests per orchestration by kind (counted on every storage client of the workers and the client
/// that starts the instances; the bench's progress polling uses a separate, uncounted client) and the CPU time Azurite
/// and the bench process actually used per orchestration.
/// </summary>
internal static class EngineBench
{
    public static async Task RunAsync(BenchOptions o, string connection, int? azuritePid)
    {
        var hub = o.Hub ?? "bench" + Guid.NewGuid().ToString("N")[..8];
        var counter = new StorageRequestCounter();
        var workers = new List<IHost>();
        for (var i = 0; i < o.Workers; i++)
            workers.Add(await BenchHost.StartAsync(connection, hub, o, counter, worker: true, tasks: r => r.AddDiagnosticOrchestrations()));
        var client = workers[0].Services.GetRequiredService<DurableTaskClient>();
        var monitorHost = await BenchHost.StartAsync(connection, hub, o, counter: null, worker: false);
        var monitor = monitorHost.Services.GetRequiredService<DurableTaskClient>();

        var (name, input) = o.Scenario == "hello5"
            ? ("HelloSequence", (object)new HelloSequenceInput(5, 0))
            : ("FanOutFanIn", new FanOutFanInInput(1000));

        // Warm-up (JIT, connections, leases) on a few instances, not measured.
        var warm = await ScheduleAsync(client, name, input, Math.Min(o.Warmup, o.Count), "warm");
        await WaitAllAsync(monitor, "warm", warm.Count, TimeSpan.FromMinutes(5), quiet: true);
        counter.Reset();

        var azuriteBefore = Cpu(azuritePid);
        var selfBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var ids = await ScheduleAsync(client, name, input, o.Count, "run");
        var scheduledIn = stopwatch.Elapsed;
        var states = await WaitAllAsync(monitor, "run", ids.Count, TimeSpan.FromMinutes(60), quiet: false);
        stopwatch.Stop();
        var azuriteCpu = Cpu(azuritePid) - azuriteBefore;
        var selfCpu = Process.GetCurrentProcess().TotalProcessorTime - selfBefore;
        var ops = counter.Snapshot();
        var total = counter.Total;

        var completed = states.Where(s => s.RuntimeStatus == OrchestrationRuntimeStatus.Completed).ToList();
        var first = states.Min(s => s.CreatedAt);
        var last = states.Max(s => s.LastUpdatedAt);
        var elapsed = (last - first).TotalSeconds;
        var history = await monitor.GetOrchestrationHistoryAsync(ids[0]);
        var scheduledTwice = history.OfType<TaskScheduledEvent>().GroupBy(e => e.EventId).Count(g => g.Count() > 1);
        var latencies = completed.Select(s => (s.LastUpdatedAt - s.CreatedAt).TotalMilliseconds).Order().ToList();

        Console.WriteLine();
        Console.WriteLine($"instances:          {ids.Count} ({completed.Count} completed, {states.Count - completed.Count} not)");
        Console.WriteLine($"scheduling took:    {scheduledIn.TotalSeconds:F1} s");
        Console.WriteLine($"first start → last completion: {elapsed:F2} s");
        Console.WriteLine($"orchestrations/s:   {ids.Count / elapsed:F1}");
        Console.WriteLine($"history events:     {history.Count} per instance (first instance; TaskScheduled ids seen twice: {scheduledTwice}); events/s {history.Count * ids.Count / elapsed:F0}");
        Console.WriteLine($"latency p50/p99:    {Percentile(latencies, 0.50):F0} ms / {Percentile(latencies, 0.99):F0} ms (created → completed)");
        Console.WriteLine($"storage requests:   {total} total, {total / (double)ids.Count:F1} per orchestration, {total / elapsed:F0}/s");
        foreach (var (kind, n) in ops)
            Console.WriteLine($"  {kind,-16} {n,9} {n / (double)ids.Count,9:F2}/orch");
        if (azuriteCpu is { } az)
        {
            var azPer = az.TotalMilliseconds / ids.Count;
            var selfPer = selfCpu.TotalMilliseconds / ids.Count;
            Console.WriteLine($"CPU per orchestration: Azurite {azPer:F2} ms, worker+client process {selfPer:F2} ms " +
                              $"({az.TotalMilliseconds / Math.Max(1, total):F2} ms Azurite CPU per storage request)");
        }

        foreach (var w in workers) await BenchHost.StopAsync(w);
        await BenchHost.StopAsync(monitorHost);
    }

    private static TimeSpan? Cpu(int? pid)
    {
        if (pid is not { } id) return null;
        try { using var p = Process.GetProcessById(id); return p.TotalProcessorTime; }
        catch (ArgumentException) { return null; }
    }

    internal static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task<List<string>> ScheduleAsync(DurableTaskClient client, string name, object input, int count, string prefix)
    {
        var ids = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            ids[i] = await client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions($"{prefix}-{i:D6}"), ct));
        return ids.ToList();
    }

    private static async Task<List<OrchestrationMetadata>> WaitAllAsync(DurableTaskClient monitor, string prefix, int count, TimeSpan timeout, bool quiet)
    {
        var deadline = DateTime.UtcNow + timeout;
        var lastReport = DateTime.UtcNow;
        while (true)
        {
            var open = 0;
            var query = new OrchestrationQuery
            {
                InstanceIdPrefix = prefix + "-", PageSize = 1000,
                Statuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running],
            };
            await foreach (var _ in monitor.GetAllInstancesAsync(query)) open++;
            if (open == 0) break;
            if (DateTime.UtcNow > deadline) { Console.WriteLine($"bench: timed out with {open} instances open"); break; }
            if (!quiet && DateTime.UtcNow - lastReport > TimeSpan.FromSeconds(10))
            {
                Console.WriteLine($"bench: {count - open}/{count} done");
                lastReport = DateTime.UtcNow;
            }
            await Task.Delay(500);
        }
        var states = new List<OrchestrationMetadata>();
        await foreach (var m in monitor.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix + "-", PageSize = 1000 })) states.Add(m);
        return states;
    }
}
