using System.Diagnostics;
using Microsoft.DurableTask.Client;
using Orchestrator.Durable.Diagnostics;
using Orchestrator.Durable.Tests.Support;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Durable.Tests;

public sealed class StorageOutageTests
{
    [Fact]
    public async Task Host_starts_while_storage_is_down_and_creates_the_hub_once_it_answers()
    {
        await using var azurite = await AzuriteInstance.StartAsync();
        var connectionString = azurite.ConnectionString;
        await azurite.StopAsync(); // Its ports are now closed.

        using var host = DurableTestHost.Build(connectionString, AzuriteFixture.NewHubName("down"));
        var clock = Stopwatch.StartNew();
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));

        await azurite.RestartAsync();
        var client = host.Client();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new HelloSequenceInput(1));
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, DurableTestHost.Timeout(60));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        await host.StopAsync(DurableTestHost.Timeout(10));
    }
}
