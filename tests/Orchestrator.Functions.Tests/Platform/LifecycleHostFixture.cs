using System.Net;
using System.Text.Json.Nodes;
using Orchestrator.SelfHost.Scheduled;
using Orchestrator.Functions.Tests.Infrastructure;
using static Orchestrator.Functions.Tests.Platform.PlatformRequests;

namespace Orchestrator.Functions.Tests.Platform;

/// <summary>The real host composed as Program.cs does (with the lifecycle) on DTFx over the shared Azurite (its own task hub and tables), real time, every test key.</summary>
public sealed class LifecycleHostFixture : IAsyncLifetime
{
    public const int BodyLimit = 4096;

    public HostUnderTest Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await HostUnderTest.StartAsync(s =>
        {
            PlatformKeys.Add(s);
            s["Api:MaxRequestBodyBytes"] = BodyLimit.ToString();
        }, builder => builder.AddApprovalLifecycle()); // as Program.cs composes the service

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Driving whole projects through the HTTP API.</summary>
public static class ProjectDriver
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<JsonNode> ProjectAsync(this HostUnderTest host, string code)
    {
        using var viewer = host.Client(HostUnderTest.ViewerKey);
        using var response = await viewer.GetAsync($"/api/projects/{code}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET project {code}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>Polls the project until <paramref name="condition"/> holds (decisions are applied by the orchestrations moments after 202).</summary>
    public static async Task<JsonNode> WaitForProjectAsync(this HostUnderTest host, string code, Func<JsonNode, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var viewer = host.Client(HostUnderTest.ViewerKey);
            using var response = await viewer.GetAsync($"/api/projects/{code}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                last = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                if (condition(last)) return last;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{code}: {what} did not happen; last view: {last?.ToJsonString()[..Math.Min(4000, last.ToJsonString().Length)]}");
    }

    public static IEnumerable<JsonNode> Items(this JsonNode project) => project["items"]!.AsArray().Select(i => i!);

    public static IEnumerable<JsonNode> OpenItems(this JsonNode project) => project.Items().Where(i => (bool)i["open"]!);

    /// <summary>The item's current round (the open one, else the last).</summary>
    public static JsonNode Item(this JsonNode project, string itemCode)
    {
        var rounds = project.Items().Where(i => (string?)i["itemCode"] == itemCode).ToList();
        Assert.True(rounds.Count > 0, $"no item {itemCode} in {string.Join(", ", project.Items().Select(i => (string?)i["itemCode"]))}");
        return rounds.FirstOrDefault(i => (bool)i["open"]!) ?? rounds[^1];
    }

    public static string State(this JsonNode item) => (string)item["state"]!;

    /// <summary>Files a project as the platform (201).</summary>
    public static async Task<JsonNode> FileAsync(this HostUnderTest host, string code, Action<JsonObject>? edit = null)
    {
        using var platform = host.Client(HostUnderTest.PlatformKey);
        using var response = await platform.FileAsync(Filing(code, edit));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"file {code}: {(int)response.StatusCode} {body}");
        return await host.WaitForProjectAsync(code, p => (string?)p["phase"] != "Filing" && p.OpenItems().Any(), "filing (items open)");
    }

    /// <summary>A decision by the item's own department key; returns the response (caller disposes).</summary>
    public static async Task<HttpResponseMessage> DecideAsync(this HostUnderTest host, string code, JsonNode item, object decision, string? key = null)
    {
        var department = (string)item["departmentCode"]!;
        using var client = host.Client(PlatformKeys.Of(department));
        return await client.DecideAsync(department, code, (string)item["itemCode"]!, decision, key ?? Guid.NewGuid().ToString());
    }

    /// <summary>
    /// Approves every open item as its department, round after round (waiting for the next items to open), until
    /// <paramref name="until"/> holds; returns the items approved.
    /// </summary>
    public static async Task<List<string>> ApproveAllOpenAsync(this HostUnderTest host, string code, Func<JsonNode, bool> until, params string[] except)
    {
        var approved = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            var project = await host.ProjectAsync(code);
            if (until(project)) return approved;
            var open = project.OpenItems().Where(i => !except.Contains((string)i["itemCode"]!)).ToList();
            if (open.Count == 0)
            {
                await Task.Delay(100); // the project starts the next items moments after the last ones closed
                continue;
            }
            var ids = new List<string>();
            foreach (var item in open)
            {
                using var response = await host.DecideAsync(code, item, new { kind = "Approve", note = "同意" });
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"approve {item["itemCode"]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                approved.Add((string)item["itemCode"]!);
                ids.Add((string)item["instanceId"]!);
            }
            await host.WaitForProjectAsync(code, p => p.Items().Where(i => ids.Contains((string)i["instanceId"]!)).All(i => !(bool)i["open"]!),
                $"approval of {string.Join(", ", ids)}");
        }
        throw new TimeoutException($"{code}: approving every open item did not reach the expected state: {(await host.ProjectAsync(code)).ToJsonString()}");
    }
}
