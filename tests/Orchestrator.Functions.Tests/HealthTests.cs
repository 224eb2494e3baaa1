using System.Net;
using System.Net.Sockets;
using Orchestrator.Functions.Tests.Infrastructure;

namespace Orchestrator.Functions.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task In_memory_host_is_healthy()
    {
        await using var host = await HostUnderTest.StartAsync();
        using var client = host.Client(key: null);
        using var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("healthy", (string?)body["status"]);
        Assert.Equal("in-memory", (string?)body["storage"]);
    }

    [Fact]
    public async Task Storage_that_does_not_answer_gives_503_naming_what_is_unreachable()
    {
        // Ports nobody listens on: taken and released, so connecting is refused at once.
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
        await using var host = await HostUnderTest.StartAsync(s =>
        {
            s["Durable:Backend"] = "AzureStorage";
            s["Durable:AzureStorage:ConnectionString"] = connection;
            s["Durable:Worker:Enabled"] = "false";
            s["Health:StorageTimeoutSeconds"] = "2";
        });
        using var client = host.Client(key: null);
        using var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("unhealthy", (string?)body["status"]);
        Assert.Equal("unreachable", (string?)body["storage"]);
        var unreachable = body["unreachable"]!.AsObject();
        Assert.True(unreachable.ContainsKey("tables") && unreachable.ContainsKey("queues") && unreachable.ContainsKey("blobs"), unreachable.ToJsonString());
        Assert.Contains("Azurite", (string?)body["detail"]);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
