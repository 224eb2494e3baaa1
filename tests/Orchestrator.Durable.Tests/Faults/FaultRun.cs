using System.Diagnostics;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orchestrator.Durable.Hosting;
using Orchestrator.Durable.Tests.Support;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;

namespace Orchestrator.Durable.Tests.Faults;

/// <summary>
/// One fault scenario on its own task hub: the test's client (an in-test host with Worker:Enabled=false), the
/// FaultSequence instances it schedules, the worker processes' step logs, and the checks afterwards.
/// </summary>
internal sealed class FaultRun : IAsyncDisposable
{
    public const int PartitionCount = 4;
    public const int Steps = 5;

    private readonly IHost _host;
    private readonly List<WorkerProcess> _workers = [];
    private readonly ITestOutputHelper _output;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _started;

    private FaultRun(IHost host, string connectionString, string hub, ITestOutputHelper output)
    {
        _host = host;
        ConnectionString = connectionString;
        Hub = hub;
        _output = output;
        LogFolder = Path.Combine(Path.GetTempPath(), "orchestrator-faults", hub);
        Directory.CreateDirectory(LogFolder);
    }

    public string ConnectionString { get; }
    public string Hub { get; }
    public string LogFolder { get; }
    public DurableTaskClient Client => _host.Client();
    public IReadOnlyList<WorkerProcess> Workers => _workers;
    public List<string> InstanceIds { get; } = [];

    public static async Task<FaultRun> StartAsync(string connectionString, string hubPrefix, ITestOutputHelper output)
    {
        var hub = AzuriteFixture.NewHubName(hubPrefix);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Durable:AzureStorage:ConnectionString"] = connectionString,
            ["Durable:AzureStorage:TaskHubName"] = hub,
            ["Durable:AzureStorage:PartitionCount"] = PartitionCount.ToString(),
            ["Durable:AzureStorage:MaxQueuePollingInterval"] = "00:00:01",
            ["Durable:Worker:Enabled"] = "false",
        });
        builder.Services.AddDurableTaskAzureStorage(builder.Configuration.GetSection(DurableTaskHubOptions.SectionName));
        var host = builder.Build();
        await host.StartAsync();
        return new FaultRun(host, connectionString, hub, output);
    }

    public void Log(string message) => _output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F1}s] {message}");

    public async Task<WorkerProcess> StartWorkerAsync(FaultWorkerSettings? settings = null)
    {
        // One log file per process (appends from several processes to one file would overwrite each other).
        var index = Interlocked.Increment(ref _started) - 1;
        var worker = await WorkerProcess.StartAsync(ConnectionString, Hub,
            Path.Combine(LogFolder, $"worker-{index}.log"), settings ?? new FaultWorkerSettings());
        lock (_workers) _workers.Add(worker);
        Log($"worker {index} ready, pid {worker.Id}");
        return worker;
    }

    /// <summary>Schedules <paramref name="count"/> FaultSequence instances "{hub}-{i}" (5 steps each).</summary>
    public async Task ScheduleAsync(int count, int delayMs)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var id = await Client.ScheduleNewOrchestrationInstanceAsync("FaultSequence", new { steps = Steps, delayMs },
                new StartOrchestrationOptions { InstanceId = $"{Hub}-{i:D3}" }, ct);
            lock (InstanceIds) InstanceIds.Add(id);
        });
        InstanceIds.Sort(StringComparer.Ordinal);
        Log($"scheduled {count} instances");
    }

    public async Task<int> CountCompletedAsync(CancellationToken cancellation = default)
    {
        var n = 0;
        await foreach (var _ in Client.GetAllInstancesAsync(new OrchestrationQuery
                       {
                           InstanceIdPrefix = Hub + "-",
                           Statuses = [OrchestrationRuntimeStatus.Completed],
                           PageSize = 1000,
                       }).WithCancellation(cancellation))
            n++;
        return n;
    }

    /// <summary>Polls until at least <paramref name="count"/> instances completed; returns the time it took.</summary>
    public async Task<TimeSpan> WaitForCompletedAsync(int count, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var clock = Stopwatch.StartNew();
        var last = 0;
        while (clock.Elapsed < timeout)
        {
            try
            {
                last = await CountCompletedAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Storage may be down (restart test); keep polling.
            }
            if (last >= count) return clock.Elapsed;
            await Task.Delay(250);
        }
        var stuck = new List<string>();
        foreach (var id in InstanceIds)
        {
            var state = await Client.GetInstanceAsync(id);
            if (state?.RuntimeStatus != OrchestrationRuntimeStatus.Completed) stuck.Add($"{id}: {state?.RuntimeStatus}");
        }
        Assert.Fail($"only {last}/{count} completed within {timeout}; not completed ({stuck.Count}): {string.Join(", ", stuck.Take(20))}\n" +
                    (diagnostics?.Invoke() ?? WorkerOutput()));
        return clock.Elapsed;
    }

    public string WorkerOutput() =>
        string.Join("\n", _workers.Select((w, i) => $"--- worker {i} (pid {w.Id}, exited {w.HasExited}):\n{Tail(w.Output, 4000)}"));

    private static string Tail(string s, int n) => s.Length <= n ? s : s[^n..];

    /// <summary>
    /// Every instance Completed with output "{id}:1".."{id}:5" and a well-formed history: one ExecutionStarted, one
    /// ExecutionCompleted, TaskScheduled EventIds exactly 0..4, each of them completed. Returns, summed over the
    /// instances, the TaskScheduled events beyond the first per EventId, and the TaskCompleted events beyond the
    /// first per TaskScheduledId (a redelivered result the orchestrator ignored).
    /// </summary>
    public async Task<HistoryCounts> AssertAllCorrectAsync()
    {
        var duplicateScheduled = 0;
        var duplicateCompleted = 0;
        var problems = new List<string>();
        await Parallel.ForEachAsync(InstanceIds, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
        {
            var state = await Client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
            var expected = Enumerable.Range(1, Steps).Select(s => $"{id}:{s}").ToList();
            if (state?.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            {
                lock (problems) problems.Add($"{id}: {state?.RuntimeStatus} {state?.FailureDetails}");
                return;
            }
            var output = state.ReadOutputAs<List<string>>();
            if (output is null || !output.SequenceEqual(expected))
                lock (problems) problems.Add($"{id}: output {state.SerializedOutput}");

            var history = await Client.GetOrchestrationHistoryAsync(id, ct);
            var scheduled = history.OfType<TaskScheduledEvent>().GroupBy(e => e.EventId).ToList();
            var completed = history.OfType<TaskCompletedEvent>().GroupBy(e => e.TaskScheduledId).ToList();
            Interlocked.Add(ref duplicateScheduled, scheduled.Sum(g => g.Count() - 1));
            Interlocked.Add(ref duplicateCompleted, completed.Sum(g => g.Count() - 1));
            if (history.OfType<ExecutionStartedEvent>().Count() != 1 || history.OfType<ExecutionCompletedEvent>().Count() != 1 ||
                history.OfType<TaskFailedEvent>().Any() ||
                !scheduled.Select(g => g.Key).Order().SequenceEqual(Enumerable.Range(0, Steps)) ||
                !completed.Select(g => g.Key).Order().SequenceEqual(Enumerable.Range(0, Steps)))
                lock (problems) problems.Add($"{id}: history {Describe(history)}");
        });
        Assert.True(problems.Count == 0, $"{problems.Count} instances wrong:\n{string.Join("\n", problems.Take(20))}");
        return new HistoryCounts(duplicateScheduled, duplicateCompleted);
    }

    private static string Describe(IEnumerable<HistoryEvent> history) => string.Join(", ", history.Select(e => e switch
    {
        TaskScheduledEvent t => $"TaskScheduled#{t.EventId}",
        TaskCompletedEvent c => $"TaskCompleted(#{c.TaskScheduledId})",
        _ => e.EventType.ToString(),
    }));

    /// <summary>The step logs of all worker processes of this run.</summary>
    public StepLogSummary ReadStepLogs() => StepLogSummary.Read(LogFolder, InstanceIds, Steps);

    public async ValueTask DisposeAsync()
    {
        foreach (var w in _workers) await w.DisposeAsync();
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
        try { Directory.Delete(LogFolder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Duplicates found in the instances' histories (see <see cref="FaultRun.AssertAllCorrectAsync"/>).</summary>
internal sealed record HistoryCounts(int DuplicateTaskScheduled, int DuplicateTaskCompleted)
{
    public override string ToString() =>
        $"duplicated TaskScheduled in histories: {DuplicateTaskScheduled}, duplicated TaskCompleted: {DuplicateTaskCompleted}";
}

/// <summary>What the FaultWorkers' step logs say: activity executions per (instance, step) and per process.</summary>
internal sealed class StepLogSummary
{
    public int ActivityExecutions { get; private init; }
    /// <summary>Executions beyond the first of an (instance, step).</summary>
    public int DuplicateExecutions { get; private init; }
    public List<string> DuplicatedSteps { get; private init; } = [];
    public List<string> MissingSteps { get; private init; } = [];
    public Dictionary<int, int> ActivitiesByPid { get; private init; } = [];
    public Dictionary<int, int> EpisodesByPid { get; private init; } = [];
    /// <summary>Instances whose orchestrator episodes ran in more than one process.</summary>
    public int InstancesOnSeveralPids { get; private init; }

    public static StepLogSummary Read(string folder, IReadOnlyCollection<string> instanceIds, int steps)
    {
        var executions = new Dictionary<(string, int), int>();
        var activitiesByPid = new Dictionary<int, int>();
        var episodesByPid = new Dictionary<int, int>();
        var pidsByInstance = new Dictionary<string, HashSet<int>>();
        var total = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*.log"))
        {
            foreach (var line in File.ReadLines(file))
            {
                var parts = line.Split(' ');
                if (parts is ["act", var id, var step, var pid] && int.TryParse(step, out var s) && int.TryParse(pid, out var p))
                {
                    total++;
                    executions[(id, s)] = executions.GetValueOrDefault((id, s)) + 1;
                    activitiesByPid[p] = activitiesByPid.GetValueOrDefault(p) + 1;
                }
                else if (parts is ["orc", var oid, var opid] && int.TryParse(opid, out var op))
                {
                    episodesByPid[op] = episodesByPid.GetValueOrDefault(op) + 1;
                    if (!pidsByInstance.TryGetValue(oid, out var set)) pidsByInstance[oid] = set = [];
                    set.Add(op);
                }
            }
        }
        var missing = new List<string>();
        foreach (var id in instanceIds)
            for (var s = 1; s <= steps; s++)
                if (!executions.ContainsKey((id, s))) missing.Add($"{id}#{s}");
        return new StepLogSummary
        {
            ActivityExecutions = total,
            DuplicateExecutions = executions.Values.Sum(n => n - 1),
            DuplicatedSteps = executions.Where(kv => kv.Value > 1).Select(kv => $"{kv.Key.Item1}#{kv.Key.Item2} x{kv.Value}").ToList(),
            MissingSteps = missing,
            ActivitiesByPid = activitiesByPid,
            EpisodesByPid = episodesByPid,
            InstancesOnSeveralPids = pidsByInstance.Values.Count(p => p.Count > 1),
        };
    }

    public override string ToString() =>
        $"{ActivityExecutions} activity executions, {DuplicateExecutions} duplicated" +
        (DuplicatedSteps.Count > 0 ? $" ({string.Join(", ", DuplicatedSteps.Take(20))})" : "") +
        $"; activities by pid: {string.Join(", ", ActivitiesByPid.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))}" +
        $"; orchestrator episodes by pid: {string.Join(", ", EpisodesByPid.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))}" +
        $"; instances whose episodes ran in several processes: {InstancesOnSeveralPids}";
}
