using System.Net;
using Microsoft.Extensions.Options;
using Orchestrator.Functions.Tests.Infrastructure;

namespace Orchestrator.Functions.Tests;

/// <summary>Keys from Auth:ApiKeys (hashed or plain), roles per route, problem+json refusals.</summary>
public sealed class AuthTests(AzuriteHostFixture fixture) : IClassFixture<AzuriteHostFixture>
{
    private const string P = HostUnderTest.Prefix;

    [Theory]
    [InlineData("GET", "/instances")]
    [InlineData("GET", "/instances/some-id")]
    [InlineData("POST", "/orchestrators/HelloSequence")]
    [InlineData("POST", "/instances/some-id/raiseEvent/Approval")]
    [InlineData("POST", "/instances/some-id/terminate")]
    [InlineData("POST", "/instances/some-id/suspend")]
    [InlineData("POST", "/instances/some-id/resume")]
    [InlineData("POST", "/instances/some-id/restart")]
    [InlineData("DELETE", "/instances/some-id")]
    [InlineData("DELETE", "/instances?createdTimeFrom=2020-01-01")]
    public async Task Every_management_route_needs_a_key(string method, string path)
    {
        using var client = fixture.Host.Client(key: null);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), P + path));
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "missing-api-key");
        Assert.Contains("x-functions-key", (string?)problem["detail"]);
    }

    [Fact]
    public async Task An_unknown_key_is_401()
    {
        using var client = fixture.Host.Client(key: "not-a-real-key-at-all");
        using var response = await client.GetAsync($"{P}/instances");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid-api-key");
    }

    [Fact]
    public async Task The_key_works_as_the_code_query_parameter()
    {
        using var client = fixture.Host.Client(key: null);
        using var response = await client.GetAsync($"{P}/instances?code={Uri.EscapeDataString(HostUnderTest.OpsKey)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var wrong = await client.GetAsync($"{P}/instances?code=wrong-key-123");
        await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid-api-key");
    }

    [Fact]
    public async Task A_hashed_ops_key_may_start_and_a_viewer_may_read_but_not_change()
    {
        using var ops = fixture.Host.Client(HostUnderTest.OpsKey);
        using var viewer = fixture.Host.Client(HostUnderTest.ViewerKey);
        var id = $"auth-{Guid.NewGuid():N}";
        await ops.StartAsync("ApprovalWithTimeout", """{"timeoutSeconds":3600}""", id);

        using (var read = await viewer.GetAsync($"{P}/instances/{id}")) Assert.Equal(HttpStatusCode.Accepted, read.StatusCode);
        using (var list = await viewer.GetAsync($"{P}/instances?instanceIdPrefix={id}")) Assert.Equal(HttpStatusCode.OK, list.StatusCode);

        using (var terminate = await viewer.PostAsync($"{P}/instances/{id}/terminate", null))
        {
            var problem = await terminate.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Contains("viewer", (string?)problem["detail"]);
        }
        using (var raise = await viewer.PostAsync($"{P}/instances/{id}/raiseEvent/Approval", Infrastructure.Api.Json("true")))
            await raise.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using (var purge = await viewer.DeleteAsync($"{P}/instances/{id}"))
            await purge.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var status = await ops.WaitForStatusAsync(id, "Running");
        Assert.Equal("Running", (string?)status["runtimeStatus"]);
        using var _ = await ops.PostAsync($"{P}/instances/{id}/terminate", null);
    }

    [Fact]
    public async Task A_viewer_cannot_start_and_nothing_is_stored()
    {
        using var viewer = fixture.Host.Client(HostUnderTest.ViewerKey);
        var id = $"viewerstart-{Guid.NewGuid():N}";
        using var response = await viewer.PostAsync($"{P}/orchestrators/HelloSequence/{id}", Infrastructure.Api.Json("""{"count":1}"""));
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using var ops = fixture.Host.Client();
        using var status = await ops.GetAsync($"{P}/instances/{id}");
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
    }

    [Fact]
    public async Task A_platform_key_may_not_use_the_management_api()
    {
        using var platform = fixture.Host.Client(HostUnderTest.PlatformKey);
        using var response = await platform.GetAsync($"{P}/instances");
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Health_needs_no_key()
    {
        using var client = fixture.Host.Client(key: null);
        using var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unauthenticated_oversized_request_is_401_not_413()
    {
        using var client = fixture.Host.Client(key: null);
        var big = "\"" + new string('x', AzuriteHostFixture.BodyLimit * 2) + "\"";
        using var response = await client.PostAsync($"{P}/orchestrators/HelloSequence", Infrastructure.Api.Json(big));
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "missing-api-key");
    }

    [Theory]
    [InlineData("Auth:ApiKeys:0:Role", "admin", "Role 'admin' is not one of")]
    [InlineData("Auth:ApiKeys:0:KeyHash", "sha256:abc", "KeyHash must be")]
    [InlineData("Auth:ApiKeys:0:Key", "both-key-and-hash", "exactly one of KeyHash")]
    [InlineData("Auth:ApiKeys:1:Name", "test-ops", "is used by another key")]
    [InlineData("Auth:ApiKeys:1:Key", "short", "shorter than 8")]
    public async Task Invalid_key_configuration_stops_the_host_at_start_with_a_clear_message(string key, string value, string message)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HostUnderTest.StartAsync(s => s[key] = value));
        Assert.Contains(message, ex.Message);
        Assert.Contains("Auth:ApiKeys:", ex.Message);
    }

    [Fact]
    public void Key_hashes_are_sha256_hex_of_the_utf8_key()
    {
        Assert.Equal("sha256:ce1aa37cf0e1d89018e77e017437e598abb5aac253d55d90a753155394adbd47", Orchestrator.Api.Auth.ApiKeyEntry.ComputeHash("dev-ops-key"));
    }
}
