using Orchestrator.Tests.Shared;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.DurableTask.Client;
using Orchestrator.Durable.Hosting;
using Orchestrator.SelfHost.Durable;
using Orchestrator.SelfHost.Management;
using Orchestrator.Functions.Tests.Infrastructure;

namespace Orchestrator.Functions.Tests;

/// <summary>local.settings.json as a configuration source, start-time validation, and the composition switches.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orchestrator-settings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Local_settings_sections_and_flat_Values_bind_and_the_command_line_overrides_them()
    {
        var path = Path.Combine(_dir, "local.settings.json");
        await File.WriteAllTextAsync(path, """
        {
          "_comment": "ignored",
          "IsEncrypted": false,
          "Values": { "Durable__Worker__MaxConcurrentActivities": "7", "Management:DefaultPageSize": "7" },
          "Durable": { "AzureStorage": { "ControlQueueBatchSize": 12, "ExtendedSessionIdleTimeout": "00:00:45" } },
          "Management": { "MaxPageSize": 70 }
        }
        """);
        await using var host = await HostUnderTest.StartAsync(s =>
        {
            s["LocalSettings:Enabled"] = "true";
            s["LocalSettings:Path"] = path;
            s["Management:MaxPageSize"] = "71";     // the command line wins over the file
        });
        var durable = host.Services.GetRequiredService<IOptions<DurableTaskHubOptions>>().Value;
        Assert.Equal(12, durable.AzureStorage.ControlQueueBatchSize);
        Assert.Equal(TimeSpan.FromSeconds(45), durable.AzureStorage.ExtendedSessionIdleTimeout);
        Assert.Equal(7, durable.Worker.MaxConcurrentActivities);
        var management = host.Services.GetRequiredService<IOptions<ManagementOptions>>().Value;
        Assert.Equal(7, management.DefaultPageSize);
        Assert.Equal(71, management.MaxPageSize);
    }

    [Fact]
    public async Task In_Development_a_missing_local_settings_json_is_created_from_the_sample()
    {
        var repoRoot = FindRepoRoot();
        File.Copy(Path.Combine(repoRoot, "local.settings.sample.json"), Path.Combine(_dir, "local.settings.sample.json"));
        var contentRoot = Directory.CreateDirectory(Path.Combine(_dir, "functions")).FullName;

        // Only what the test must set: keys and the rest come from the created file. The storage is the test Azurite
        // (its connection string is added at start) with a task hub of its own, not the sample's 127.0.0.1:10002.
        await using var host = await HostUnderTest.StartWithAsync(new Dictionary<string, string?>
        {
            ["contentRoot"] = contentRoot,
            ["Durable:AzureStorage:TaskHubName"] = SharedAzurite.NewHubName(),
            ["Durable:AzureStorage:MaxQueuePollingInterval"] = "00:00:00.5",
        }, environment: "Development");

        var created = Path.Combine(_dir, "local.settings.json");
        Assert.True(File.Exists(created), "local.settings.json was not created beside the sample");
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(_dir, "local.settings.sample.json")), await File.ReadAllTextAsync(created));
        // The sample's development keys work: the hashed ops key "dev-ops-key" and the plain viewer key.
        using var ops = host.Client("dev-ops-key");
        using (var list = await ops.GetAsync($"{HostUnderTest.Prefix}/instances")) Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var viewer = host.Client("dev-viewer-key");
        using (var list = await viewer.GetAsync($"{HostUnderTest.Prefix}/instances")) Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        // Development turns the diagnostic orchestrations on.
        var started = await ops.StartAsync("HelloSequence", """{"count":1,"delayMs":0}""");
        await ops.WaitForEndAsync((string)started["id"]!);
    }

    [Fact]
    public async Task The_sample_settings_are_valid_as_they_are()
    {
        var sample = Path.Combine(FindRepoRoot(), "local.settings.sample.json");
        // The sample's storage is the developer Azurite of ./run.sh (127.0.0.1:10000-10002, hub "orchestrator"): read it
        // from the file, but run the host on the test Azurite and a hub of its own so a developer's running service is
        // never touched. Everything else is the sample's, validated at start.
        var file = new ConfigurationBuilder().AddJsonFile(sample).Build();
        Assert.Equal("orchestrator", file["Durable:AzureStorage:TaskHubName"]);
        Assert.Contains("127.0.0.1:10002", file["Durable:AzureStorage:ConnectionString"]);
        await using var host = await HostUnderTest.StartWithAsync(new Dictionary<string, string?>
        {
            ["LocalSettings:Enabled"] = "true",
            ["LocalSettings:Path"] = sample,
            ["Durable:AzureStorage:TaskHubName"] = SharedAzurite.NewHubName(),
        });
        Assert.True(host.Services.GetRequiredService<IOptions<DiagnosticsOptions>>().Value.Enabled);
        var durable = host.Services.GetRequiredService<IOptions<DurableTaskHubOptions>>().Value;
        Assert.Equal(4, durable.AzureStorage.PartitionCount);
        Assert.Equal(TimeSpan.FromSeconds(1), durable.AzureStorage.MaxQueuePollingInterval);
        Assert.Equal(20, durable.Worker.MaxConcurrentActivities);
        Assert.True(durable.Worker.Enabled);
    }

    [Theory]
    [InlineData("Durable:AzureStorage:TaskHubName", "my-hub", "Durable:AzureStorage:TaskHubName 'my-hub' is not valid")]
    [InlineData("Durable:AzureStorage:TaskHubName", "x1", "Durable:AzureStorage:TaskHubName 'x1' is not valid")]
    [InlineData("Durable:AzureStorage:PartitionCount", "17", "Durable:AzureStorage:PartitionCount is 17")]
    [InlineData("Durable:AzureStorage:MaxQueuePollingInterval", "00:00:00", "Durable:AzureStorage:MaxQueuePollingInterval is 00:00:00")]
    [InlineData("Durable:AzureStorage:ControlQueueBatchSize", "33", "Durable:AzureStorage:ControlQueueBatchSize is 33")]
    [InlineData("Durable:Worker:MaxConcurrentActivities", "0", "Durable:Worker:MaxConcurrentActivities is 0")]
    [InlineData("Durable:Worker:MaxConcurrentOrchestrations", "0", "Durable:Worker:MaxConcurrentOrchestrations is 0")]
    [InlineData("Management:DefaultPageSize", "5000", "Management:DefaultPageSize is 5000")]
    [InlineData("Health:StorageTimeoutSeconds", "0", "Health:StorageTimeoutSeconds")]
    public async Task Invalid_settings_stop_the_host_at_start_with_a_message_naming_the_setting(string key, string value, string message)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HostUnderTest.StartAsync(s => s[key] = value));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public async Task An_empty_storage_connection_string_is_refused_at_start()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HostUnderTest.StartAsync(s => s[HostUnderTest.ConnectionStringKey] = " "));
        Assert.Contains("Durable:AzureStorage:ConnectionString is empty", ex.Message);
    }

    [Fact]
    public async Task A_bad_listen_url_is_refused_with_a_message()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HostUnderTest.StartWithAsync(
            new Dictionary<string, string?>(HostUnderTest.DefaultSettings()) { ["Host:Urls"] = "ftp://127.0.0.1:21" }));
        Assert.Contains("Host:Urls", ex.Message);
    }

    [Fact]
    public async Task With_diagnostics_off_the_diagnostic_orchestrations_are_unknown()
    {
        await using var host = await HostUnderTest.StartAsync(s => s["Diagnostics:Enabled"] = "false");
        using var ops = host.Client();
        using var response = await ops.PostAsync($"{HostUnderTest.Prefix}/orchestrators/HelloSequence", Infrastructure.Api.Json("{}"));
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "unknown-orchestrator", "name");
    }

    [Fact]
    public async Task An_api_only_process_accepts_starts_but_runs_nothing_and_a_worker_elsewhere_runs_them()
    {
        var settings = HostUnderTest.DefaultSettings();
        await using var host = await HostUnderTest.StartWithAsync(new Dictionary<string, string?>(settings) { ["Durable:Worker:Enabled"] = "false" });
        using var ops = host.Client();
        var id = (string)(await ops.StartAsync("HelloSequence", """{"count":1,"delayMs":0}"""))["id"]!;
        await Task.Delay(1000); // no worker polls this task hub at all: the instance can only stay Pending
        using (var status = await ops.GetAsync($"{HostUnderTest.Prefix}/instances/{id}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, status.StatusCode);
            Assert.Equal("Pending", (string?)(await status.ReadJsonAsync())["runtimeStatus"]);
        }

        // A worker process on the same task hub (and no management API) runs it; the API-only process reads the result.
        await using var worker = await HostUnderTest.StartWithAsync(new Dictionary<string, string?>(settings) { ["Management:Enabled"] = "false" });
        Assert.Equal("Completed", (string?)(await ops.WaitForEndAsync(id))["runtimeStatus"]);
    }

    [Fact]
    public async Task A_worker_only_process_serves_no_management_api_but_answers_health()
    {
        await using var host = await HostUnderTest.StartAsync(s => s["Management:Enabled"] = "false");
        using var ops = host.Client();
        using (var list = await ops.GetAsync($"{HostUnderTest.Prefix}/instances")) Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
        using (var health = await ops.GetAsync("/health")) Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        // Its worker still runs what others start.
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new { count = 1, delayMs = 0 });
        var done = await client.WaitForInstanceCompletionAsync(id, new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
    }

    [Fact]
    public async Task Telemetry_can_be_switched_on()
    {
        await using var host = await HostUnderTest.StartAsync(s => s["Telemetry:Enabled"] = "true");
        using var ops = host.Client();
        using var list = await ops.GetAsync($"{HostUnderTest.Prefix}/instances");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.NotNull(host.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
    }

    [Fact]
    public async Task The_openapi_document_is_served_to_key_holders()
    {
        await using var host = await HostUnderTest.StartAsync();
        using var anonymous = host.Client(key: null);
        using (var refused = await anonymous.GetAsync("/openapi/v1.json")) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var viewer = host.Client(HostUnderTest.ViewerKey);
        using var response = await viewer.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/runtime/webhooks/durabletask/instances", await response.Content.ReadAsStringAsync());
    }

    internal static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
