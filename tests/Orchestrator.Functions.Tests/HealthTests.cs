using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Orchestrator.Durable.Hosting;
using Orchestrator.Api.Http.Health;
using Orchestrator.Functions.Tests.Infrastructure;

namespace Orchestrator.Functions.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task A_host_on_Azurite_is_healthy_with_storage_reachable()
    {
        await using var host = await HostUnderTest.StartAsync();
        using var client = host.Client(key: null);
        using var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("healthy", (string?)body["status"]);
        Assert.Equal("reachable", (string?)body["storage"]);
    }

    [Fact]
    public async Task The_storage_probe_names_each_service_that_does_not_answer()
    {
        // Ports nobody listens on: taken and released, so connecting is refused at once. (AzureStorageHostTests
        // shows /health answering 503 when storage goes away under a running host.)
        var connection = UnreachableStorage();
        var probe = new StorageProbe(
            Options.Create(new DurableTaskHubOptions { AzureStorage = { ConnectionString = connection } }),
            Options.Create(new HealthOptions { StorageTimeoutSeconds = 2 }));

        var started = DateTime.UtcNow;
        var result = await probe.ProbeAsync(CancellationToken.None);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the probe must not retry for long");
        Assert.False(result.Reachable);
        Assert.Equal("unreachable", result.Storage);
        Assert.Equal(["blobs", "queues", "tables"], result.Services.Keys.Order());
        Assert.All(result.Services.Values, v => Assert.False(string.IsNullOrWhiteSpace(v)));
    }

    [Fact]
    public async Task A_host_whose_storage_does_not_answer_at_start_still_starts_and_reports_503()
    {
        await using var host = await HostUnderTest.StartAsync(s =>
        {
            s[HostUnderTest.ConnectionStringKey] = UnreachableStorage();
        });
        using var client = host.Client(key: null);
        using var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("unreachable", (string?)body["storage"]);
    }

    private static string UnreachableStorage()
    {
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
