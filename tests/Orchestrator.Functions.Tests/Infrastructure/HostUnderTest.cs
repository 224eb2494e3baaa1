using Orchestrator.Tests.Shared;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.SelfHost.Hosting;

namespace Orchestrator.Functions.Tests.Infrastructure;

/// <summary>
/// The real host (production composition, Kestrel) on a free loopback port, driven over HTTP. Settings are given
/// as command-line configuration, which is how they reach the host before it composes itself.
/// </summary>
public sealed class HostUnderTest : IAsyncDisposable
{
    public const string OpsKey = "test-ops-key-0123456789";
    public const string ViewerKey = "test-viewer-key-0123456789";
    public const string PlatformKey = "test-platform-key-0123456789";
    public const string Prefix = "/runtime/webhooks/durabletask";

    private readonly WebApplication _app;

    private HostUnderTest(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// DTFx on Azure Storage (the shared test Azurite, filled in at start unless the settings name a connection string),
    /// a task hub and lifecycle tables of its own (so hosts running in parallel never see each other's instances or rows),
    /// quick queue polling, diagnostics on, an ops key stored hashed, a viewer and a platform key stored plain.
    /// </summary>
    public static Dictionary<string, string?> DefaultSettings()
    {
        var hub = SharedAzurite.NewHubName();
        return new()
        {
            ["LocalSettings:Enabled"] = "false",
            ["Durable:AzureStorage:TaskHubName"] = hub,
            ["Durable:AzureStorage:PartitionCount"] = "1",
            ["Durable:AzureStorage:MaxQueuePollingInterval"] = "00:00:00.5",
            ["Lifecycle:Tables:EnterpriseCredit"] = hub + "Credit",
            ["Lifecycle:Tables:Notifications"] = hub + "Notify",
            ["Lifecycle:Tables:SlaReports"] = hub + "Sla",
            ["Lifecycle:Tables:Projects"] = hub + "Projects",
            ["Lifecycle:Tables:ProjectDetails"] = hub + "Details",
            ["Lifecycle:Tables:DepartmentItems"] = hub + "DeptItems",
            ["Lifecycle:Tables:Escalations"] = hub + "Escalations",
            ["Diagnostics:Enabled"] = "true",
            ["Auth:ApiKeys:0:Name"] = "test-ops",
            ["Auth:ApiKeys:0:KeyHash"] = Orchestrator.Api.Auth.ApiKeyEntry.ComputeHash(OpsKey),
            ["Auth:ApiKeys:0:Role"] = "ops",
            ["Auth:ApiKeys:1:Name"] = "test-viewer",
            ["Auth:ApiKeys:1:Key"] = ViewerKey,
            ["Auth:ApiKeys:1:Role"] = "viewer",
            ["Auth:ApiKeys:2:Name"] = "test-platform",
            ["Auth:ApiKeys:2:Key"] = PlatformKey,
            ["Auth:ApiKeys:2:Role"] = "platform",
        };
    }

    public const string ConnectionStringKey = "Durable:AzureStorage:ConnectionString";

    public static Task<HostUnderTest> StartAsync(Action<Dictionary<string, string?>>? settings = null,
        Action<WebApplicationBuilder>? configure = null, string environment = "Testing")
    {
        var values = DefaultSettings();
        settings?.Invoke(values);
        return StartWithAsync(values, configure, environment);
    }

    /// <summary>
    /// Starts a host with exactly these settings, plus the shared Azurite's connection string when
    /// <see cref="ConnectionStringKey"/> is absent (a null value there means: not set, the host's default).
    /// </summary>
    public static async Task<HostUnderTest> StartWithAsync(IDictionary<string, string?> values,
        Action<WebApplicationBuilder>? configure = null, string environment = "Testing")
    {
        if (!values.ContainsKey(ConnectionStringKey))
            values = new Dictionary<string, string?>(values) { [ConnectionStringKey] = await SharedAzurite.ConnectionStringAsync() };
        var args = new List<string> { $"--environment={environment}", "--Host:Urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning" };
        args.AddRange(values.Where(kv => kv.Value is not null).Select(kv => $"--{kv.Key}={kv.Value}"));
        var builder = OrchestratorHost.CreateBuilder(args.ToArray());
        configure?.Invoke(builder);
        var app = OrchestratorHost.Build(builder);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HostUnderTest(app, new Uri(address.Replace("[::]", "127.0.0.1")));
    }

    public HttpClient Client(string? key = OpsKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null) client.DefaultRequestHeaders.Add("x-functions-key", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        try { await _app.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token); }
        catch (OperationCanceledException) { }
        catch (TimeoutException) { }
        await _app.DisposeAsync();
    }
}

/// <summary>Shorthands for the management API.</summary>
public static class Api
{
    /// <summary>How long a wait for an instance's state lasts by default (DTFx on Azurite, shared by parallel test classes).</summary>
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(60);

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body");
    }

    /// <summary>Starts an orchestration and returns the 202 body.</summary>
    public static async Task<JsonNode> StartAsync(this HttpClient client, string name, string? input = null, string? instanceId = null)
    {
        var path = $"{HostUnderTest.Prefix}/orchestrators/{name}" + (instanceId is null ? "" : "/" + Uri.EscapeDataString(instanceId));
        using var response = await client.PostAsync(path, input is null ? null : Json(input));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"start {name}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>Polls the status until the instance has ended (200) and returns the body.</summary>
    public static async Task<JsonNode> WaitForEndAsync(this HttpClient client, string instanceId, string query = "", TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultPatience);
        while (true)
        {
            using var response = await client.GetAsync($"{HostUnderTest.Prefix}/instances/{Uri.EscapeDataString(instanceId)}{query}");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK) return JsonNode.Parse(body)!;
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"status of {instanceId}: {(int)response.StatusCode} {body}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{instanceId} did not end: {body}");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls the status until runtimeStatus is <paramref name="status"/>.</summary>
    public static async Task<JsonNode> WaitForStatusAsync(this HttpClient client, string instanceId, string status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultPatience);
        while (true)
        {
            using var response = await client.GetAsync($"{HostUnderTest.Prefix}/instances/{Uri.EscapeDataString(instanceId)}");
            var body = await response.Content.ReadAsStringAsync();
            var json = JsonNode.Parse(body)!;
            if ((string?)json["runtimeStatus"] == status) return json;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{instanceId} did not become {status}: {body}");
            await Task.Delay(100);
        }
    }

    /// <summary>Asserts an RFC 9457 problem with the status and type slug; returns it.</summary>
    public static async Task<JsonNode> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string typeSlug, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal("urn:orchestrator:problem:" + typeSlug, (string?)problem["type"]);
        Assert.Equal((int)status, (int?)problem["status"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]));
        if (field is not null) Assert.Equal(field, (string?)problem["field"]);
        return problem;
    }

    /// <summary>The instances whose id starts with <paramref name="prefix"/> (all pages).</summary>
    public static async Task<List<JsonNode>> ListAsync(this HttpClient client, string query)
    {
        var all = new List<JsonNode>();
        string? token = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{HostUnderTest.Prefix}/instances?{query}");
            if (token is not null) request.Headers.Add("x-ms-continuation-token", token);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"list: {(int)response.StatusCode} {body}");
            all.AddRange(JsonNode.Parse(body)!.AsArray().Select(n => n!));
            token = response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.First() : null;
        } while (token is not null);
        return all;
    }
}
