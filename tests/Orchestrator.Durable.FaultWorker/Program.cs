using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Durable;
using Orchestrator.Durable.AzureStorage;
using Orchestrator.Durable.Storage;

// Fault-test worker: the engine (worker only) on the Azure Storage backend, configured from environment variables:
//   FAULT_CONNECTION   storage connection string (required)
//   FAULT_HUB          task hub name (required)
//   FAULT_CRASH_AT     a StoreFaults point name (optional): Environment.FailFast there ...
//   FAULT_CRASH_AFTER  ... on its n-th hit (default 1), so that some work is done first
//   FAULT_LOCAL        "false" to send every activity through the durable queue (default: local dispatch on)
// Short recovery intervals so that a crashed worker's work is picked up within seconds in the tests.
var connection = Environment.GetEnvironmentVariable("FAULT_CONNECTION") ?? throw new InvalidOperationException("FAULT_CONNECTION is not set.");
var hub = Environment.GetEnvironmentVariable("FAULT_HUB") ?? throw new InvalidOperationException("FAULT_HUB is not set.");
var crashAt = Environment.GetEnvironmentVariable("FAULT_CRASH_AT");
var crashAfter = int.TryParse(Environment.GetEnvironmentVariable("FAULT_CRASH_AFTER"), out var n) ? n : 1;
var local = !string.Equals(Environment.GetEnvironmentVariable("FAULT_LOCAL"), "false", StringComparison.OrdinalIgnoreCase);

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
builder.Services.AddDurableTask(r => r.AddDiagnosticOrchestrations());
builder.Services.AddDurableTaskAzureStorage(o =>
{
    o.ConnectionString = connection;
    o.TaskHubName = hub;
});
builder.Services.Configure<DurableTaskOptions>(o =>
{
    o.Worker.PollingInterval = TimeSpan.FromMilliseconds(20);
    o.Worker.MaxPollingInterval = TimeSpan.FromMilliseconds(250);
    o.Worker.SweepInterval = TimeSpan.FromSeconds(1);
    o.Worker.OrchestrationVisibilityTimeout = TimeSpan.FromSeconds(10);
    o.Worker.ActivityVisibilityTimeout = TimeSpan.FromSeconds(10);
    o.Worker.MaxConcurrentActivities = 16;
    o.Worker.MaxConcurrentOrchestrations = 16;
});
var hits = 0;
builder.Services.AddKeyedSingleton<IOrchestrationStore>(DurableTaskOptions.AzureStorageBackend, (sp, _) =>
{
    var store = new AzureStorageOrchestrationStore(new AzureStorageStoreOptions
    {
        ConnectionString = connection,
        TaskHubName = hub,
        LocalDispatch = local,
        LocalActivityRecheck = TimeSpan.FromSeconds(3),
        // Short enough that episodes after the first are written behind too (the stored wake time, at most
        // LocalActivityRecheck ahead, must lie beyond two windows), so crashes also lose unwritten episodes.
        WriteBehindWindow = TimeSpan.FromMilliseconds(500),
        IndexRecheckAfter = TimeSpan.FromSeconds(2),
        IndexRecheckMax = TimeSpan.FromSeconds(10),
    }, sp.GetRequiredService<TimeProvider>());
    if (crashAt is not null)
    {
        if (!StoreFaults.All.Contains(crashAt))
            throw new InvalidOperationException($"FAULT_CRASH_AT '{crashAt}' is not one of: {string.Join(", ", StoreFaults.All)}.");
        store.Faults.Hit = (point, instanceId) =>
        {
            if (point == crashAt && Interlocked.Increment(ref hits) == crashAfter)
            {
                Console.Out.WriteLine($"fault-worker: crashing at {point} ({instanceId})");
                Console.Out.Flush();
                Environment.FailFast($"Injected crash at {point} for instance {instanceId}.");
            }
        };
    }
    return store;
});

using var host = builder.Build();
await host.StartAsync();
Console.Out.WriteLine("fault-worker: ready");
Console.Out.Flush();
await host.WaitForShutdownAsync();
