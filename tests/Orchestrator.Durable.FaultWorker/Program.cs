// Usage: Orchestrator.Durable.FaultWorker [connectionString] [taskHubName]
// or the environment: Durable__AzureStorage__ConnectionString, Durable__AzureStorage__TaskHubName.
// Hosts the worker with the diagnostic orchestrations and keeps starting HelloSequence(5) until killed.
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Durable.Diagnostics;
using Orchestrator.Durable.Hosting;

var builder = Host.CreateApplicationBuilder();
var overrides = new Dictionary<string, string?>();
if (args.Length > 0) overrides["Durable:AzureStorage:ConnectionString"] = args[0];
if (args.Length > 1) overrides["Durable:AzureStorage:TaskHubName"] = args[1];
builder.Configuration.AddInMemoryCollection(overrides);

builder.Services.AddDurableTaskAzureStorage(builder.Configuration.GetSection(DurableTaskHubOptions.SectionName));
builder.Services.AddDurableTaskWorker(b => b.AddTasks(r => r.AddDiagnosticOrchestrations()));

using var host = builder.Build();
await host.StartAsync();
var client = host.Services.GetRequiredService<DurableTaskClient>();
var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
while (!stopping.IsCancellationRequested)
{
    try
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new HelloSequenceInput(5), stopping);
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false, stopping);
        Console.WriteLine($"{id} {done.RuntimeStatus}");
    }
    catch (OperationCanceledException) when (stopping.IsCancellationRequested)
    {
    }
}
await host.StopAsync();
