using System.Net;
using Orchestrator.Functions.Tests.Infrastructure;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Functions.Tests;

/// <summary>
/// A host of its own per test on a task hub of its own (so whole-hub lists are exact), on the shared test Azurite or,
/// where the test stops storage, on a private one (tests/Shared).
/// </summary>
public sealed class AzureStorageHostTests
{
    private const string P = HostUnderTest.Prefix;

    private static Task<HostUnderTest> StartHostAsync(string connectionString, bool worker = true) => HostUnderTest.StartAsync(s =>
    {
        s[HostUnderTest.ConnectionStringKey] = connectionString;
        s["Durable:Worker:Enabled"] = worker ? "true" : "false";
    });

    [Fact]
    public async Task Start_status_raise_event_completed_on_azure_storage()
    {
        await using var host = await StartHostAsync(await SharedAzurite.ConnectionStringAsync());
        using var ops = host.Client();

        var started = await ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", "approval-1");
        Assert.Equal("approval-1", (string?)started["id"]);
        await ops.WaitForStatusAsync("approval-1", "Running", TimeSpan.FromSeconds(60));
        using (var status = await ops.GetAsync($"{P}/instances/approval-1"))
            Assert.Equal(HttpStatusCode.Accepted, status.StatusCode);

        using (var raise = await ops.PostAsync($"{P}/instances/approval-1/raiseEvent/Approval", Infrastructure.Api.Json("true")))
            Assert.Equal(HttpStatusCode.Accepted, raise.StatusCode);
        var ended = await ops.WaitForEndAsync("approval-1", "?showHistory=true", TimeSpan.FromSeconds(60));
        Assert.Equal("Completed", (string?)ended["runtimeStatus"]);
        Assert.Equal("approved", (string?)ended["output"]);
        Assert.Contains(ended["historyEvents"]!.AsArray(), e => (string?)e!["EventType"] == "EventRaised");

        using (var gone = await ops.PostAsync($"{P}/instances/approval-1/raiseEvent/Approval", Infrastructure.Api.Json("true")))
            await gone.AssertProblemAsync(HttpStatusCode.Gone, "instance-ended", "instanceId");

        var hello = await ops.StartAsync("HelloSequence", """{"count":3,"delayMs":0}""");
        var helloEnded = await ops.WaitForEndAsync((string)hello["id"]!, timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(3, helloEnded["output"]!.AsArray().Count);

        var listed = await ops.ListAsync("runtimeStatus=Completed");
        Assert.Equal(2, listed.Count);
    }

    [Fact]
    public async Task Refused_requests_store_nothing_on_azure_storage()
    {
        await using var host = await StartHostAsync(await SharedAzurite.ConnectionStringAsync(), worker: false);
        using var ops = host.Client();
        using (var bad = await ops.PostAsync($"{P}/orchestrators/HelloSequence/x1", Infrastructure.Api.Json("{oops")))
            await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-json");
        using (var unknown = await ops.PostAsync($"{P}/orchestrators/Nope/x2", Infrastructure.Api.Json("{}")))
            await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "unknown-orchestrator");
        using (var viewer = host.Client(HostUnderTest.ViewerKey))
        using (var forbidden = await viewer.PostAsync($"{P}/orchestrators/HelloSequence/x3", Infrastructure.Api.Json("{}")))
            await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(await ops.ListAsync(""));
    }

    [Fact]
    public async Task Health_reports_storage_reachable_and_503_while_Azurite_is_down()
    {
        await using var own = await AzuriteInstance.StartAsync();
        await using var host = await StartHostAsync(own.ConnectionString, worker: false);
        using var client = host.Client(key: null);

        using (var up = await client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, up.StatusCode);
            var body = await up.ReadJsonAsync();
            Assert.Equal("healthy", (string?)body["status"]);
            Assert.Equal("reachable", (string?)body["storage"]);
        }

        await own.StopAsync();
        using (var down = await client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            var body = await down.ReadJsonAsync();
            Assert.Equal("unreachable", (string?)body["storage"]);
            Assert.Equal(3, body["unreachable"]!.AsObject().Count);
        }

        await own.RestartAsync();
        using (var again = await client.GetAsync("/health"))
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }
}
