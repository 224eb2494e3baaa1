using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Orchestrator.Durable.Hosting;

namespace Orchestrator.Api.Http.Health;

/// <summary>Section "Health".</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>How long each storage service may take to answer the probe.</summary>
    public double StorageTimeoutSeconds { get; set; } = 3;
}

/// <summary>What the storage probe found: per service, null when reachable, else why not.</summary>
public sealed record StorageProbeResult(string Storage, IReadOnlyDictionary<string, string?> Services)
{
    public bool Reachable => Services.Values.All(v => v is null);
}

public interface IStorageProbe
{
    Task<StorageProbeResult> ProbeAsync(CancellationToken ct);
}

/// <summary>Probes the tables, queues and blobs of the configured storage account with one cheap list call each, no retries.</summary>
internal sealed class StorageProbe(IOptions<DurableTaskHubOptions> durable, IOptions<HealthOptions> health) : IStorageProbe
{
    public async Task<StorageProbeResult> ProbeAsync(CancellationToken ct)
    {
        var options = durable.Value;

        var timeout = TimeSpan.FromSeconds(Math.Max(0.1, health.Value.StorageTimeoutSeconds));
        var connection = options.AzureStorage.ConnectionString!;
        void Configure(ClientOptions o)
        {
            o.Retry.MaxRetries = 0;
            o.Retry.NetworkTimeout = timeout;
        }

        var tableOptions = new TableClientOptions(); Configure(tableOptions);
        var queueOptions = new QueueClientOptions(); Configure(queueOptions);
        var blobOptions = new BlobClientOptions(); Configure(blobOptions);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var probes = new Dictionary<string, Task<string?>>
        {
            ["tables"] = Try(async t => { await foreach (var _ in new TableServiceClient(connection, tableOptions).QueryAsync(maxPerPage: 1, cancellationToken: t).AsPages(pageSizeHint: 1).WithCancellation(t)) break; }, cts.Token),
            ["queues"] = Try(async t => { await foreach (var _ in new QueueServiceClient(connection, queueOptions).GetQueuesAsync(cancellationToken: t).AsPages(pageSizeHint: 1).WithCancellation(t)) break; }, cts.Token),
            ["blobs"] = Try(async t => { await foreach (var _ in new BlobServiceClient(connection, blobOptions).GetBlobContainersAsync(cancellationToken: t).AsPages(pageSizeHint: 1).WithCancellation(t)) break; }, cts.Token),
        };
        await Task.WhenAll(probes.Values);
        var services = probes.ToDictionary(p => p.Key, p => p.Value.Result);
        return new StorageProbeResult(services.Values.All(v => v is null) ? "reachable" : "unreachable", services);
    }

    private static async Task<string?> Try(Func<CancellationToken, Task> probe, CancellationToken ct)
    {
        try
        {
            await probe(ct);
            return null;
        }
        catch (OperationCanceledException)
        {
            return "no answer within the timeout (setting Health:StorageTimeoutSeconds)";
        }
        catch (Exception ex)
        {
            return ex.GetBaseException().Message.Split('\n')[0].Trim();
        }
    }
}

/// <summary>GET /health: no key needed. 200 {status: "healthy", storage: "reachable"} or 503 naming what is unreachable.</summary>
public static class HealthEndpoints
{
    public static TBuilder AddHealth<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<HealthOptions>().Bind(builder.Configuration.GetSection(HealthOptions.SectionName))
            .Validate(o => o.StorageTimeoutSeconds is > 0 and <= 60, "Health:StorageTimeoutSeconds must be more than 0 and at most 60.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IStorageProbe, StorageProbe>();
        return builder;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", CheckAsync)
            .AllowAnonymous()
            .WithName("Health")
            .WithTags("Health");
        return endpoints;
    }

    /// <summary>The /health answer (no key needed), shared by the self-host's endpoint and the Functions app's trigger.</summary>
    internal static async Task<IResult> CheckAsync(IStorageProbe probe, HttpContext context, CancellationToken ct)
    {
        context.Response.Headers.CacheControl = "no-store";
        var result = await probe.ProbeAsync(ct);
        if (result.Reachable)
        {
            return Results.Json(new { status = "healthy", storage = result.Storage });
        }
        var unreachable = result.Services.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value);
        return Results.Json(new
        {
            status = "unhealthy",
            storage = result.Storage,
            unreachable,
            detail = $"Storage is not reachable ({string.Join(", ", unreachable.Keys)}). On a developer machine start Azurite (./run.sh does); otherwise check Durable:AzureStorage:ConnectionString and the network path to the storage account.",
        }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
