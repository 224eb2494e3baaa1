using Azure.Data.Tables;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Durable.Tests.AzureStorage;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteInstanceTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task Data_survives_a_restart_on_the_same_connection_string()
    {
        // A private instance: restarting the shared one would disturb the other tests of the collection.
        await using var azurite = await AzuriteInstance.StartAsync();
        var connection = azurite.ConnectionString;
        var table = new TableClient(connection, "restart" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["v"] = 42 });

        await azurite.RestartAsync();

        Assert.Equal(connection, azurite.ConnectionString);
        var read = await table.GetEntityAsync<TableEntity>("p", "r");
        Assert.Equal(42, read.Value.GetInt32("v"));
    }

    [Fact]
    public async Task Shared_instance_is_reachable()
    {
        var table = new TableServiceClient(fixture.ConnectionString);
        await table.CreateTableIfNotExistsAsync(AzuriteFixture.NewHubName());
    }
}
