using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Bench;
using Orchestrator.Durable;
using Orchestrator.Durable.AzureStorage;
using Orchestrator.Durable.Storage;
using Orchestrator.Tests.Shared;

// Throughput bench of the engine on the Azure Storage backend. Usage:
//   dotnet run -c Release --project bench -- [--scenario hello5|fanout1000] [--count N] [--workers N]
//     [--connection "<connection string>"] [--orchestrations C] [--activities C] [--hub name] [--write-behind-ms M]
// Without --connection it starts a private Azurite (on-disk data in a temp folder) and deletes it afterwards.
var options = BenchOptions.Parse(args);
Console.WriteLine($"bench: scenario={options.Scenario} count={options.Count} workers={options.Workers} " +
                  $"orchestrations={options.MaxOrchestrations} activities={options.MaxActivities} write-behind={options.WriteBehind.TotalMilliseconds} ms " +
                  $"cores={Environment.ProcessorCount}");

AzuriteInstance? azurite = null;
var connection = options.Connection;
if (connection is null)
{
    azurite = await AzuriteInstance.StartAsync();
    connection = azurite.ConnectionString;
    Console.WriteLine($"bench: private Azurite on ports {azurite.BlobPort}/{azurite.QueuePort}/{azurite.TablePort}, data in {azurite.DataFolder}");
}

try
{
    if (options.Scenario == "raw")
    {
        await RawStorageBench.RunAsync(connection, options.Count, options.MaxOrchestrations, azurite?.ProcessId);
        return;
    }
    var hub = options.Hub ?? "bench" + Guid.NewGuid().ToString("N")[..8];
    var counter = new StorageOperationCounter();
    var hosts = new List<IHost>();
    for (var i = 0; i < options.Workers; i++)
        hosts.Add(await StartWorkerAsync(connection, hub, counter, options, clientOnly: false));
    var client = hosts[0].Services.GetRequiredService<DurableTaskClient>();
    // The bench's own progress polling goes through a separate store so that it is not counted.
    var monitor = new AzureStorageOrchestrationStore(new AzureStorageStoreOptions { ConnectionString = connection, TaskHubName = hub });

    var run = options.Scenario switch
    {
        "hello5" => new Scenario("HelloSequence", _ => new { count = 5, delayMs = 0 }),
        "fanout1000" => new Scenario("FanOutFanIn", _ => new { count = 1000 }),
        _ => throw new ArgumentException($"Unknown scenario '{options.Scenario}'. Use hello5 or fanout1000."),
    };

    // Warm-up (JIT, connections) on a few instances, not measured.
    var warm = await ScheduleAsync(client, run, Math.Min(options.Warmup, options.Count), "warm-");
    await WaitAllAsync(monitor, warm, TimeSpan.FromMinutes(5), quiet: true);
    counter.Reset();

    var azuriteCpuBefore = CpuTime.OfProcess(azurite?.ProcessId);
    var benchCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var stopwatch = Stopwatch.StartNew();
    var ids = await ScheduleAsync(client, run, options.Count, "run-");
    var scheduledIn = stopwatch.Elapsed;
    var states = await WaitAllAsync(monitor, ids, TimeSpan.FromMinutes(30), quiet: false);
    stopwatch.Stop();
    var azuriteCpu = CpuTime.OfProcess(azurite?.ProcessId) - azuriteCpuBefore;
    var benchCpu = Process.GetCurrentProcess().TotalProcessorTime - benchCpuBefore;
    var ops = counter.Snapshot();
    var totalOps = counter.Total;

    var completed = states.Where(s => s.Status == OrchestrationRuntimeStatus.Completed).ToList();
    var first = states.Min(s => s.CreatedAt);
    var last = states.Max(s => s.CompletedAt ?? s.LastUpdatedAt);
    var elapsed = (last - first).TotalSeconds;
    var historyPerInstance = (await monitor.GetHistoryAsync(ids[0], CancellationToken.None)).Count;
    var latencies = completed.Select(s => ((s.CompletedAt ?? s.LastUpdatedAt) - s.CreatedAt).TotalMilliseconds).Order().ToList();

    Console.WriteLine();
    Console.WriteLine($"instances:          {ids.Count} ({completed.Count} completed, {states.Count - completed.Count} not)");
    Console.WriteLine($"scheduling took:    {scheduledIn.TotalSeconds:F1} s");
    Console.WriteLine($"first start → last completion: {elapsed:F2} s");
    Console.WriteLine($"orchestrations/s:   {ids.Count / elapsed:F1}");
    Console.WriteLine($"history events:     {historyPerInstance} per instance; events/s {historyPerInstance * ids.Count / elapsed:F0}");
    Console.WriteLine($"latency p50/p99:    {Percentile(latencies, 0.50):F0} ms / {Percentile(latencies, 0.99):F0} ms (created → completed)");
    Console.WriteLine($"storage operations: {totalOps} total, {totalOps / (double)ids.Count:F1} per orchestration, {totalOps / elapsed:F0}/s");
    foreach (var (kind, n) in ops)
        Console.WriteLine($"  {kind,-14} {n,9} {n / (double)ids.Count,9:F2}/orch");
    if (azuriteCpu is { } az)
    {
        // CPU time actually consumed is independent of how busy the machine is with other work: it tells what the
        // same run costs on an otherwise idle machine (Azurite runs its JavaScript on one thread).
        var azPerOrch = az.TotalMilliseconds / ids.Count;
        var benchPerOrch = benchCpu.TotalMilliseconds / ids.Count;
        Console.WriteLine($"CPU per orchestration: Azurite {azPerOrch:F2} ms, engine+client process {benchPerOrch:F2} ms " +
                          $"({az.TotalMilliseconds / Math.Max(1, totalOps):F2} ms Azurite CPU per storage request)");
        Console.WriteLine($"  → Azurite's thread alone caps this at {1000 / azPerOrch:F0} orch/s; both on {Environment.ProcessorCount} idle cores: " +
                          $"{Math.Min(1000 / azPerOrch, Environment.ProcessorCount * 1000 / (azPerOrch + benchPerOrch)):F0} orch/s");
    }

    foreach (var host in hosts)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await host.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        host.Dispose();
    }
    if (options.Hub is null) await monitor.Hub.DeleteAllAsync();
}
finally
{
    if (azurite is not null) await azurite.DisposeAsync();
}

static double Percentile(List<double> sorted, double p) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

static async Task<IHost> StartWorkerAsync(string connection, string hub, StorageOperationCounter counter, BenchOptions options, bool clientOnly)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.ClearProviders();
    builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddDurableTask(r => r.AddDiagnosticOrchestrations());
    builder.Services.AddDurableTaskAzureStorage(o =>
    {
        o.ConnectionString = connection;
        o.TaskHubName = hub;
    });
    builder.Services.Configure<DurableTaskOptions>(o =>
    {
        o.Worker.Enabled = !clientOnly;
        o.Worker.MaxConcurrentOrchestrations = options.MaxOrchestrations;
        o.Worker.MaxConcurrentActivities = options.MaxActivities;
        o.Worker.PollingInterval = TimeSpan.FromMilliseconds(10);
        o.Worker.MaxPollingInterval = TimeSpan.FromMilliseconds(200);
        o.Worker.InstanceCacheSize = 20_000;
    });
    // All workers share one operation counter (keyed store registration is replaced by one that uses it).
    builder.Services.AddKeyedSingleton<IOrchestrationStore>(DurableTaskOptions.AzureStorageBackend, (sp, _) =>
        new AzureStorageOrchestrationStore(
            new AzureStorageStoreOptions { ConnectionString = connection, TaskHubName = hub, WriteBehindWindow = options.WriteBehind },
            sp.GetRequiredService<TimeProvider>(), null, counter));
    var host = builder.Build();
    await host.StartAsync();
    return host;
}

static async Task<List<string>> ScheduleAsync(DurableTaskClient client, Scenario scenario, int count, string prefix)
{
    var ids = new string[count];
    var runId = Guid.NewGuid().ToString("N")[..6];
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
    {
        ids[i] = await client.ScheduleNewOrchestrationInstanceAsync(scenario.Name, scenario.Input(i),
            new StartOrchestrationOptions { InstanceId = $"{prefix}{runId}-{i:D6}" }, ct);
    });
    return ids.ToList();
}

static async Task<List<InstanceState>> WaitAllAsync(AzureStorageOrchestrationStore monitor, List<string> ids, TimeSpan timeout, bool quiet)
{
    // Poll the index (cheap: one query per 1,000 instances), then read the authoritative rows once at the end.
    var deadline = DateTime.UtcNow + timeout;
    var prefix = CommonPrefix(ids);
    var lastReport = DateTime.UtcNow;
    while (true)
    {
        var open = 0;
        string? token = null;
        do
        {
            var page = await monitor.QueryInstancesAsync(new InstanceQuery
            {
                InstanceIdPrefix = prefix, PageSize = 1000, ContinuationToken = token,
                Statuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running],
            }, CancellationToken.None);
            open += page.Instances.Count;
            token = page.ContinuationToken;
        } while (token is not null);
        if (open == 0) break;
        if (DateTime.UtcNow > deadline) { Console.WriteLine($"bench: timed out with {open} instances open"); break; }
        if (!quiet && DateTime.UtcNow - lastReport > TimeSpan.FromSeconds(5))
        {
            Console.WriteLine($"bench: {ids.Count - open}/{ids.Count} done");
            lastReport = DateTime.UtcNow;
        }
        await Task.Delay(200);
    }
    var states = new List<InstanceState>();
    string? t = null;
    do
    {
        var page = await monitor.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = prefix, PageSize = 1000, ContinuationToken = t }, CancellationToken.None);
        states.AddRange(page.Instances);
        t = page.ContinuationToken;
    } while (t is not null);
    return states;
}

static string CommonPrefix(List<string> ids) => ids.Count == 0 ? "" : ids[0][..ids[0].LastIndexOf('-')];

namespace Orchestrator.Bench
{
    internal static class CpuTime
    {
        /// <summary>User+system CPU time of a process from /proc (Linux); null elsewhere or when unknown.</summary>
        public static TimeSpan? OfProcess(int? pid)
        {
            if (pid is not { } id || !OperatingSystem.IsLinux()) return null;
            try
            {
                // Includes children: node runs Azurite in its own process, so this is the process itself.
                using var p = Process.GetProcessById(id);
                return p.TotalProcessorTime;
            }
            catch (ArgumentException) { return null; }
        }
    }

    internal sealed record Scenario(string Name, Func<int, object> Input);

    internal sealed record BenchOptions
    {
        public string Scenario { get; init; } = "hello5";
        public int Count { get; init; } = 2000;
        public int Workers { get; init; } = 1;
        public int MaxOrchestrations { get; init; } = 64;
        public int MaxActivities { get; init; } = 64;
        public int Warmup { get; init; } = 50;
        public string? Connection { get; init; }
        public string? Hub { get; init; }
        /// <summary>The store's write-behind window (0: every episode written before the engine goes on).</summary>
        public TimeSpan WriteBehind { get; init; } = new AzureStorageStoreOptions { ConnectionString = "", TaskHubName = "" }.WriteBehindWindow;

        public static BenchOptions Parse(string[] args)
        {
            var o = new BenchOptions();
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
                o = args[i] switch
                {
                    "--scenario" => o with { Scenario = Next() },
                    "--count" => o with { Count = Int() },
                    "--workers" => o with { Workers = Int() },
                    "--orchestrations" => o with { MaxOrchestrations = Int() },
                    "--activities" => o with { MaxActivities = Int() },
                    "--warmup" => o with { Warmup = Int() },
                    "--connection" => o with { Connection = Next() },
                    "--hub" => o with { Hub = Next() },
                    "--write-behind-ms" => o with { WriteBehind = TimeSpan.FromMilliseconds(Int()) },
                    _ => throw new ArgumentException($"Unknown argument '{args[i]}'."),
                };
            }
            if (o.Scenario == "fanout1000" && !args.Contains("--count")) o = o with { Count = 1, Warmup = 1 };
            return o;
        }
    }
}
