using Orchestrator.Bench;
using Orchestrator.Tests.Shared;

// Benchmarks of the service on DTFx Azure Storage. Usage:
//   dotnet run -c Release --project bench -- [--scenario hello5|fanout1000] [--count N] [--workers N] [--partitions P]
//     [--orchestrations C] [--activities C] [--polling-ms M] [--extended-sessions true|false] [--batch B]
//     [--connection "<connection string>"] [--hub name]
//   dotnet run -c Release --project bench -- --scenario scale [--projects N] [--detail-projects N] [--naive N] [--lifecycles N] [--decisions N]
//     [--read-model-account own|engine]
//   dotnet run -c Release --project bench -- --scenario project-cost
// Without --connection it starts a private Azurite (on-disk data in a temp folder) and deletes it afterwards.
var options = BenchOptions.Parse(args);
Console.WriteLine($"bench: scenario={options.Scenario} count={options.Count} workers={options.Workers} partitions={options.Partitions} " +
                  $"orchestrations={options.MaxOrchestrations} activities={options.MaxActivities} polling={options.PollingMs} ms " +
                  $"extended-sessions={options.ExtendedSessions} batch={options.ControlQueueBatchSize} cores={Environment.ProcessorCount}");

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
    switch (options.Scenario)
    {
        case "hello5":
        case "fanout1000":
            await EngineBench.RunAsync(options, connection, azurite?.ProcessId);
            break;
        case "scale":
            // The read model on a storage account of its own (a second Azurite, another JavaScript thread), unless told otherwise.
            await using (var lifecycle = options.OwnReadModelAccount && options.Connection is null ? await AzuriteInstance.StartAsync() : null)
            {
                if (lifecycle is not null) Console.WriteLine($"bench: the lifecycle's tables (read model) on a second private Azurite, table port {lifecycle.TablePort}");
                try { await ScaleBench.RunAsync(options, connection, (lifecycle ?? azurite)?.DataFolder, lifecycle?.ConnectionString); }
                catch when ((lifecycle ?? azurite) is { } store)
                {
                    // Say what Azurite said last when it stopped answering (e.g. it ran out of memory holding the rows).
                    Console.WriteLine($"bench: the read model's Azurite (process {store.ProcessId?.ToString() ?? "exited"}) last printed:{Environment.NewLine}{store.RecentOutput}");
                    throw;
                }
            }
            break;
        case "project-cost":
            await ProjectCostBench.RunAsync(options, connection);
            break;
        default:
            throw new ArgumentException($"Unknown scenario '{options.Scenario}'. Use hello5, fanout1000, scale or project-cost.");
    }
}
finally
{
    if (azurite is not null) await azurite.DisposeAsync();
}
