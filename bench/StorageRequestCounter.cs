using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Orchestrator.Bench;

/// <summary>
/// Counts the storage requests of every Azure SDK client it is added to, by kind (service and operation), as the
/// storage account bills them: one per HTTP request, retries included.
/// </summary>
internal sealed class StorageRequestCounter
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>Adds the counting policy to a Blob, Queue or Table client's options.</summary>
    public void Attach(ClientOptions options)
    {
        var service = options switch
        {
            TableClientOptions => "table",
            QueueClientOptions => "queue",
            BlobClientOptions => "blob",
            _ => "other",
        };
        options.AddPolicy(new Policy(this, service), HttpPipelinePosition.PerRetry);
    }

    public long Total => _counts.Values.Sum();

    public IReadOnlyList<(string Kind, long Count)> Snapshot() =>
        _counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToList();

    public void Reset() => _counts.Clear();

    private void Count(string kind) => _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);

    /// <summary>The operation of a request, from its method, path and comp parameter.</summary>
    internal static string Kind(string service, RequestMethod method, Uri uri)
    {
        var path = uri.AbsolutePath;
        var query = uri.Query;
        string Comp() => query.Split('&', '?').FirstOrDefault(p => p.StartsWith("comp=", StringComparison.Ordinal))?[5..] ?? "";
        var m = method.Method;
        return service switch
        {
            "table" when path.EndsWith("$batch", StringComparison.Ordinal) => "table.batch",
            "table" when m == "GET" => path.Contains('(') && !path.EndsWith("()", StringComparison.Ordinal) ? "table.get" : "table.query",
            "table" when m == "POST" => path.EndsWith("Tables", StringComparison.Ordinal) ? "table.create" : "table.insert",
            "table" when m is "PUT" => "table.upsert",
            "table" when m is "MERGE" or "PATCH" => "table.merge",
            "table" when m is "DELETE" => "table.delete",
            "queue" when m == "GET" && path.EndsWith("/messages", StringComparison.Ordinal) => query.Contains("peekonly=true", StringComparison.Ordinal) ? "queue.peek" : "queue.receive",
            "queue" when m == "POST" => "queue.send",
            "queue" when m == "PUT" && path.Contains("/messages/", StringComparison.Ordinal) => "queue.update",
            "queue" when m == "DELETE" && path.Contains("/messages/", StringComparison.Ordinal) => "queue.delete",
            "queue" when m == "GET" || m == "HEAD" => "queue.metadata",
            "blob" when Comp() is "lease" => "blob.lease",
            "blob" when m == "GET" && Comp() is "list" => "blob.list",
            "blob" when m == "GET" => "blob.read",
            "blob" when m == "HEAD" => "blob.properties",
            "blob" when m == "PUT" => "blob.write",
            "blob" when m == "DELETE" => "blob.delete",
            _ => $"{service}.{m.ToLowerInvariant()}",
        };
    }

    private sealed class Policy(StorageRequestCounter counter, string service) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) =>
            counter.Count(Kind(service, message.Request.Method, message.Request.Uri.ToUri()));
    }
}
