using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Orchestrator.Functions.Hosting;

namespace Orchestrator.FunctionsApp.Tests;

/// <summary>
/// The Functions app's services (its own composition, <see cref="FunctionsAppRegistration.AddOrchestratorFunctions"/>)
/// without a Functions host, and the mocks Durable Functions users test with: a <see cref="DurableTaskClient"/> mock
/// (constructed with a name; CallBase forwards the convenience overloads to the abstract ones) and a
/// <see cref="FunctionContext"/> mock whose InstanceServices are these services (GetLogger reads their ILoggerFactory).
/// </summary>
public sealed class FunctionTestHost : IDisposable
{
    public const string PlatformKey = "test-platform-key";
    public const string HcdKey = "test-hcd-key";
    public const string DrcKey = "test-drc-key";
    public const string ViewerKey = "test-viewer-key";

    public FunctionTestHost(Action<IServiceCollection>? services = null, IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Lifecycle:Notifications:DrainEnabled"] = "false",
            ["Auth:ApiKeys:0:Name"] = "test-platform", ["Auth:ApiKeys:0:Key"] = PlatformKey, ["Auth:ApiKeys:0:Role"] = "platform",
            ["Auth:ApiKeys:1:Name"] = "test-hcd", ["Auth:ApiKeys:1:Key"] = HcdKey, ["Auth:ApiKeys:1:Role"] = "department", ["Auth:ApiKeys:1:DepartmentCode"] = "HCD",
            ["Auth:ApiKeys:2:Name"] = "test-drc", ["Auth:ApiKeys:2:Key"] = DrcKey, ["Auth:ApiKeys:2:Role"] = "department", ["Auth:ApiKeys:2:DepartmentCode"] = "DRC",
            ["Auth:ApiKeys:3:Name"] = "test-viewer", ["Auth:ApiKeys:3:Key"] = ViewerKey, ["Auth:ApiKeys:3:Role"] = "viewer",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<TimeProvider>(Time); // registered first: the app's TryAdd keeps it
        services?.Invoke(builder.Services);
        builder.AddOrchestratorFunctions();
        Services = builder.Services.BuildServiceProvider();
    }

    /// <summary>Tuesday 2026-03-10 09:00 in China (a working day).</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 10, 1, 0, 0, TimeSpan.Zero));

    public ServiceProvider Services { get; }

    public Mock<DurableTaskClient> Client { get; } = new("test-hub") { CallBase = true };

    public FunctionContext Context(string functionName)
    {
        var context = new Mock<FunctionContext>();
        context.Setup(c => c.InstanceServices).Returns(Services);
        context.Setup(c => c.CancellationToken).Returns(CancellationToken.None);
        context.Setup(c => c.FunctionId).Returns(functionName);
        return context.Object;
    }

    public HttpRequest Request(string method, string path, string? key, object? body = null, string? idempotencyKey = null)
    {
        var http = new DefaultHttpContext { RequestServices = Services };
        http.Request.Method = method;
        http.Request.Path = path;
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("localhost", 7071);
        if (key is not null) http.Request.Headers["x-functions-key"] = key;
        if (idempotencyKey is not null) http.Request.Headers["Idempotency-Key"] = idempotencyKey;
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body as string ?? JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
            http.Request.Body = new MemoryStream(bytes);
            http.Request.ContentType = "application/json";
            http.Request.ContentLength = bytes.Length;
        }
        http.Response.Body = new MemoryStream();
        return http.Request;
    }

    /// <summary>Executes the function's IResult as the ASP.NET Core integration does; returns the status and body.</summary>
    public static async Task<(int Status, string Body)> AnswerAsync(HttpRequest request, IResult result)
    {
        var http = request.HttpContext;
        if (!http.Response.HasStarted) await result.ExecuteAsync(http);
        http.Response.Body.Position = 0;
        return (http.Response.StatusCode, await new StreamReader(http.Response.Body).ReadToEndAsync());
    }

    public void Dispose() => Services.DisposeAsync().AsTask().GetAwaiter().GetResult(); // DurableTaskClient is IAsyncDisposable only
}
