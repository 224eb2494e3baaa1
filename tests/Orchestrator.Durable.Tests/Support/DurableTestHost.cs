using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Durable.Diagnostics;
using Orchestrator.Durable.Hosting;

namespace Orchestrator.Durable.Tests.Support;

/// <summary>A real host: DTFx worker and our client on one task hub, configured as the service configures it.</summary>
internal static class DurableTestHost
{
    public static IHost Build(string connectionString, string hubName, bool workerEnabled = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Durable:AzureStorage:ConnectionString"] = connectionString,
            ["Durable:AzureStorage:TaskHubName"] = hubName,
            ["Durable:AzureStorage:PartitionCount"] = "2",
            // Idle queues are polled at most a second apart, so tests do not wait out DTFx's 30 s back-off.
            ["Durable:AzureStorage:MaxQueuePollingInterval"] = "00:00:01",
            ["Durable:Worker:Enabled"] = workerEnabled.ToString(),
        });
        builder.Services.AddDurableTaskAzureStorage(builder.Configuration.GetSection(DurableTaskHubOptions.SectionName));
        builder.Services.AddDurableTaskWorker(b => b.AddTasks(r =>
        {
            r.AddDiagnosticOrchestrations();
            r.AddOrchestrator<TestParent>();
            r.AddOrchestrator<TestChild>();
        }));
        return builder.Build();
    }

    public static DurableTaskClient Client(this IHost host) => host.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>Polls until the instance has <paramref name="status"/>; fails after <paramref name="timeout"/>.</summary>
    public static async Task<OrchestrationMetadata> WaitForStatusAsync(
        this DurableTaskClient client, string instanceId, OrchestrationRuntimeStatus status, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        OrchestrationMetadata? last = null;
        try
        {
            while (true)
            {
                last = await client.GetInstanceAsync(instanceId, cts.Token);
                if (last?.RuntimeStatus == status) return last;
                await Task.Delay(100, cts.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"'{instanceId}' did not reach {status}; last seen {last?.RuntimeStatus.ToString() ?? "nothing"}.");
        }
    }

    public static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
