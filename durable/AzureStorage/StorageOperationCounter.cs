using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>
/// Counts storage requests by kind ("table.batch", "queue.send", ...) on every SDK client of a task hub. Azurite's
/// single thread is the throughput limit, so the number of requests per orchestration step is the figure the
/// design is optimised against; the bench reports it. Retries are counted too (they cost the same).
/// </summary>
internal sealed class StorageOperationCounter
{
    private readonly ConcurrentDictionary<string, long> _counts = new();
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public IReadOnlyDictionary<string, long> Snapshot() =>
        new SortedDictionary<string, long>(_counts.ToDictionary(p => p.Key, p => p.Value));

    public void Reset()
    {
        _counts.Clear();
        Interlocked.Exchange(ref _total, 0);
    }

    /// <summary>The policy to add to the client options of one service ("table", "queue" or "blob").</summary>
    public HttpPipelinePolicy PolicyFor(string service) => new CountingPolicy(this, service);

    private void Count(string service, Request request)
    {
        var kind = Classify(service, request);
        _counts.AddOrUpdate(kind, 1, static (_, n) => n + 1);
        Interlocked.Increment(ref _total);
    }

    private sealed class CountingPolicy(StorageOperationCounter counter, string service) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            counter.Count(service, message.Request);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            counter.Count(service, message.Request);
            return ProcessNextAsync(message, pipeline);
        }
    }

    /// <summary>Kind of request from method and URL (the SDKs do not expose the operation name to policies).</summary>
    internal static string Classify(string service, Request request)
    {
        var uri = request.Uri.ToUri();
        var path = uri.AbsolutePath;
        var query = uri.Query;
        var method = request.Method.Method;
        switch (service)
        {
            case "table":
                if (path.EndsWith("/$batch", StringComparison.Ordinal)) return "table.batch";
                if (path.Contains("/Tables", StringComparison.Ordinal)) return "table.admin";
                // Point operations address "table(PartitionKey='..',RowKey='..')"; queries address "table()".
                var pointEntity = path.Contains("PartitionKey=", StringComparison.Ordinal);
                return method switch
                {
                    "GET" => pointEntity ? "table.get" : "table.query",
                    "POST" => "table.insert",
                    "PUT" => "table.put",
                    "MERGE" or "PATCH" => "table.merge",
                    "DELETE" => "table.delete",
                    _ => "table." + method.ToLowerInvariant(),
                };
            case "queue":
                if (path.EndsWith("/messages", StringComparison.Ordinal))
                {
                    return method switch
                    {
                        "POST" => "queue.send",
                        "GET" => query.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase) ? "queue.peek" : "queue.receive",
                        "DELETE" => "queue.clear",
                        _ => "queue." + method.ToLowerInvariant(),
                    };
                }
                if (path.Contains("/messages/", StringComparison.Ordinal))
                    return method == "DELETE" ? "queue.delete" : "queue.update";
                return "queue.admin";
            case "blob":
                if (query.Contains("restype=container", StringComparison.OrdinalIgnoreCase)) return "blob.admin";
                return method switch
                {
                    "PUT" => "blob.put",
                    "GET" => "blob.get",
                    "HEAD" => "blob.head",
                    "DELETE" => "blob.delete",
                    _ => "blob." + method.ToLowerInvariant(),
                };
            default:
                return "other." + method.ToLowerInvariant();
        }
    }
}
