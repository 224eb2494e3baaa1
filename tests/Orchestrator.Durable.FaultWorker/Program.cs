// A worker process for the fault tests (tests/Orchestrator.Durable.Tests/Faults): the DTFx worker of durable/ with
// the diagnostic orchestrations plus FaultSequence/RecordStep, which append one line per execution to --log so the
// test can count duplicated executions after kill -9. The test drives it (schedules, waits, kills); it runs until
// killed or stopped (SIGTERM / Ctrl+C).
//
// Usage: dotnet Orchestrator.Durable.FaultWorker.dll [connectionString] [taskHubName] [options]
// or the environment: Durable__AzureStorage__ConnectionString, Durable__AzureStorage__TaskHubName.
// Options:
//   --log <file>                 append "act {instanceId} {step} {pid}" per RecordStep execution and
//                                "orc {instanceId} {pid}" per non-replayed FaultSequence episode
//   --partitions <n>             Durable:AzureStorage:PartitionCount
//   --poll-ms <ms>               Durable:AzureStorage:MaxQueuePollingInterval (default 500 ms here)
//   --activities <n>             Durable:Worker:MaxConcurrentActivities
//   --orchestrations <n>         Durable:Worker:MaxConcurrentOrchestrations
//   Lease and visibility settings (Durable:AzureStorage:*):
//   --lease-seconds <s>          LeaseInterval (DTFx default 30 s); LeaseRenewInterval and LeaseAcquireInterval = s/3
//   --visibility-seconds <s>     Control and work-item queue visibility timeouts (DTFx default 5 min)
//   --worker-id <id>             WorkerId, the partition lease owner name (default: "fault-{pid}")
// Prints "fault-worker: ready pid={pid}" once the host has started.
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Durable.Diagnostics;
using Orchestrator.Durable.FaultWorker;
using Orchestrator.Durable.Hosting;

var pid = Environment.ProcessId;
var positional = new List<string>();
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length) options[args[i][2..]] = args[++i];
    else positional.Add(args[i]);
}

var overrides = new Dictionary<string, string?>
{
    ["Durable:AzureStorage:MaxQueuePollingInterval"] = TimeSpan.FromMilliseconds(int.Parse(options.GetValueOrDefault("poll-ms", "500"))).ToString(),
};
if (positional.Count > 0) overrides["Durable:AzureStorage:ConnectionString"] = positional[0];
if (positional.Count > 1) overrides["Durable:AzureStorage:TaskHubName"] = positional[1];
if (options.TryGetValue("partitions", out var partitions)) overrides["Durable:AzureStorage:PartitionCount"] = partitions;
if (options.TryGetValue("activities", out var activities)) overrides["Durable:Worker:MaxConcurrentActivities"] = activities;
if (options.TryGetValue("orchestrations", out var orchestrations)) overrides["Durable:Worker:MaxConcurrentOrchestrations"] = orchestrations;
if (options.TryGetValue("log", out var logPath)) StepLog.Open(logPath);
// Short leases and visibility timeouts, so a killed worker's partitions and messages come back within seconds.
var workerId = options.GetValueOrDefault("worker-id", $"fault-{pid}");
overrides["Durable:AzureStorage:WorkerId"] = workerId;
if (options.TryGetValue("lease-seconds", out var lease))
{
    var seconds = double.Parse(lease, System.Globalization.CultureInfo.InvariantCulture);
    overrides["Durable:AzureStorage:LeaseInterval"] = TimeSpan.FromSeconds(seconds).ToString();
    overrides["Durable:AzureStorage:LeaseRenewInterval"] = TimeSpan.FromSeconds(seconds / 3).ToString();
    overrides["Durable:AzureStorage:LeaseAcquireInterval"] = TimeSpan.FromSeconds(seconds / 3).ToString();
}
if (options.TryGetValue("visibility-seconds", out var visibility))
{
    var seconds = TimeSpan.FromSeconds(double.Parse(visibility, System.Globalization.CultureInfo.InvariantCulture)).ToString();
    overrides["Durable:AzureStorage:ControlQueueVisibilityTimeout"] = seconds;
    overrides["Durable:AzureStorage:WorkItemQueueVisibilityTimeout"] = seconds;
}

var builder = Host.CreateApplicationBuilder();
builder.Configuration.AddInMemoryCollection(overrides);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

builder.Services.AddDurableTaskAzureStorage(builder.Configuration.GetSection(DurableTaskHubOptions.SectionName));
builder.Services.AddDurableTaskWorker(b => b.AddTasks(r =>
{
    r.AddDiagnosticOrchestrations();
    r.AddOrchestrator<FaultSequence>();
    r.AddActivity<RecordStep>();
}));

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine($"fault-worker: ready pid={pid} workerId={workerId}");
await host.WaitForShutdownAsync();
StepLog.Close();
