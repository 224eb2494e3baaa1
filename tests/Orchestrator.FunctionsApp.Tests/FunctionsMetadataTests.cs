using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.SelfHost.Hosting;
using Orchestrator.SelfHost.Scheduled;
using Orchestrator.SelfHost.Scheduling;

namespace Orchestrator.FunctionsApp.Tests;

/// <summary>
/// Publishes the Functions app once (from the build this test project's reference made: <c>dotnet publish --no-build</c>)
/// and reads the package's functions.metadata, as the Functions host does at start.
/// </summary>
public sealed class PublishedApp : IDisposable
{
    public PublishedApp()
    {
        Root = FindRepositoryRoot();
        Directory = Path.Combine(Path.GetTempPath(), "orchestrator-functions-publish-" + Guid.NewGuid().ToString("N")[..8]);
        var configuration = typeof(PublishedApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var psi = new ProcessStartInfo("dotnet", ["publish", Path.Combine(Root, "functions", "Orchestrator.Functions.csproj"),
            "-c", configuration, "--no-build", "-o", Directory, "-nologo", "-v", "q"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3))) { process.Kill(true); throw new TimeoutException("dotnet publish took over 3 minutes"); }
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{output.Result}\n{error.Result}");
        Metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, "functions.metadata")))!.AsArray();
    }

    public string Root { get; }
    public string Directory { get; }
    public JsonArray Metadata { get; }

    public IEnumerable<(string Name, JsonObject Binding)> Triggers() =>
        Metadata.Select(f => (f!["name"]!.GetValue<string>(),
            f["bindings"]!.AsArray().Select(b => b!.AsObject()).Single(b => b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal))));

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln"))) return dir.FullName;
        throw new InvalidOperationException("Orchestrator.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

public sealed class FunctionsMetadataTests(PublishedApp app) : IClassFixture<PublishedApp>
{
    /// <summary>Self-host routes under /api that the Functions app does not serve (see README, "Azure Functions app").</summary>
    private static readonly HashSet<string> SelfHostOnlyRoutes = ["GET /api/clock"]; // the demo clock (selfhost/Demo)

    [Fact]
    public void The_package_holds_the_durable_extension_and_host_json()
    {
        var extensions = Path.Combine(app.Directory, ".azurefunctions");
        Assert.True(File.Exists(Path.Combine(extensions, "Microsoft.Azure.WebJobs.Extensions.DurableTask.dll")), "no Durable extension in .azurefunctions/");
        Assert.True(File.Exists(Path.Combine(extensions, "DurableTask.AzureStorage.dll")), "no Azure Storage provider in .azurefunctions/");
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(app.Directory, "host.json")))!;
        Assert.Equal("", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        Assert.Equal("orchestrator", host["extensions"]!["durableTask"]!["hubName"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(app.Directory, "worker.config.json")));
    }

    [Fact]
    public void Every_http_route_of_the_self_host_api_is_an_http_trigger_with_the_same_methods()
    {
        var selfHost = SelfHostRoutes();
        var functions = app.Triggers().Where(t => t.Binding["type"]!.GetValue<string>() == "httpTrigger")
            .SelectMany(t => t.Binding["methods"]!.AsArray().Select(m => $"{m!.GetValue<string>().ToUpperInvariant()} {Normalize(t.Binding["route"]!.GetValue<string>())}"))
            .ToHashSet();
        Assert.All(app.Triggers().Where(t => t.Binding["type"]!.GetValue<string>() == "httpTrigger"),
            t => Assert.Equal("Anonymous", t.Binding["authLevel"]!.GetValue<string>(), ignoreCase: true)); // the app checks its own API keys

        var expected = selfHost.Where(r => !SelfHostOnlyRoutes.Contains(r)).ToHashSet();
        Assert.Empty(expected.Except(functions)); // routes the Functions app lacks
        Assert.Empty(functions.Except(expected)); // triggers the self-host has no route for
        Assert.Contains("POST /api/projects", functions);
        Assert.Contains("POST /api/departments/{departmentCode}/items/{projectCode}/{itemCode}/decisions", functions);
        Assert.Contains("GET /health", functions);
    }

    [Fact]
    public void Every_orchestrator_and_activity_of_the_self_host_registry_is_a_trigger_of_that_name()
    {
        var (orchestrators, activities) = SelfHostRegistry();
        // The self-host's cron carrier (selfhost/Scheduling) is replaced by the SlaSweep TimerTrigger on Functions.
        orchestrators.Remove(ScheduledFunctionRegistration.OrchestratorName);
        activities.Remove(ScheduledFunctionRegistration.ActivityName);
        Assert.NotEmpty(orchestrators);
        Assert.NotEmpty(activities);

        var triggers = app.Triggers().ToList();
        var orchestrationTriggers = triggers.Where(t => t.Binding["type"]!.GetValue<string>() == "orchestrationTrigger").Select(t => t.Name).ToHashSet();
        var activityTriggers = triggers.Where(t => t.Binding["type"]!.GetValue<string>() == "activityTrigger").Select(t => t.Name).ToHashSet();
        Assert.Equal(orchestrators.Order(), orchestrationTriggers.Order());
        Assert.Equal(activities.Order(), activityTriggers.Order());
    }

    [Fact]
    public void The_sla_sweep_is_a_timer_on_the_schedule_setting()
    {
        var timer = Assert.Single(app.Triggers(), t => t.Binding["type"]!.GetValue<string>() == "timerTrigger");
        Assert.Equal(SlaSweepFunction.Name, timer.Name);
        Assert.Equal("%Lifecycle:Sweep:Schedule%", timer.Binding["schedule"]!.GetValue<string>());
    }

    private static string Normalize(string route) => "/" + route.Trim('/');

    private static WebApplication BuildSelfHost()
    {
        var builder = OrchestratorHost.CreateBuilder([
            "--LocalSettings:Enabled=false", "--Diagnostics:Enabled=false", "--Host:Urls=http://127.0.0.1:0",
            "--Durable:AzureStorage:ConnectionString=UseDevelopmentStorage=true"]);
        builder.AddApprovalLifecycle();
        return OrchestratorHost.Build(builder);
    }

    /// <summary>"METHOD /route" of every endpoint the self-host maps under /api and /health (the management API is the Functions host's own).</summary>
    private static HashSet<string> SelfHostRoutes()
    {
        using var host = BuildSelfHost();
        return ((IEndpointRouteBuilder)host).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (Route: Normalize(e.RoutePattern.RawText ?? ""), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(e => e.Route.StartsWith("/api/", StringComparison.Ordinal) || e.Route == "/api" || e.Route == "/health")
            .SelectMany(e => e.Methods.Select(m => $"{m} {e.Route}"))
            .ToHashSet();
    }

    private static (HashSet<string> Orchestrators, HashSet<string> Activities) SelfHostRegistry()
    {
        using var host = BuildSelfHost();
        var registry = host.Services.GetRequiredService<IOptionsMonitor<DurableTaskRegistry>>().Get(Options.DefaultName);
        static HashSet<string> Names(DurableTaskRegistry r, string property)
        {
            var value = typeof(DurableTaskRegistry).GetProperty(property, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)?.GetValue(r)
                ?? throw new InvalidOperationException($"DurableTaskRegistry.{property} not found (Microsoft.DurableTask.Worker changed?)");
            return value is System.Collections.IDictionary d
                ? d.Keys.Cast<object>().Select(k => k.ToString()!).ToHashSet()
                : ((System.Collections.IEnumerable)value).Cast<object>().Select(kv => kv.GetType().GetProperty("Key")!.GetValue(kv)!.ToString()!).ToHashSet();
        }
        return (Names(registry, "Orchestrators"), Names(registry, "Activities"));
    }
}
