using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Orchestrator.Durable;

namespace Orchestrator.Orchestrations.Infrastructure;

/// <summary>
/// The lifecycle's own Azure tables (credit registry, notification outbox, SLA reports), on the storage account
/// of the engine (<c>Durable:AzureStorage:ConnectionString</c>). Tables are created on first use.
/// </summary>
public sealed class LifecycleTables(IOptions<DurableTaskOptions> durable)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new();
    private TableServiceClient? _service;

    /// <summary>True when the engine runs on the in-memory store: the lifecycle then uses its in-memory twins.</summary>
    public static bool UseInMemory(DurableTaskOptions options) =>
        string.Equals(options.Backend, DurableTaskOptions.InMemoryBackend, StringComparison.OrdinalIgnoreCase);

    public Task<TableClient> GetAsync(string name) => _tables.GetOrAdd(name, n => new Lazy<Task<TableClient>>(() => CreateAsync(n))).Value;

    private async Task<TableClient> CreateAsync(string name)
    {
        var cs = durable.Value.AzureStorage.ConnectionString;
        if (string.IsNullOrWhiteSpace(cs))
            throw new InvalidOperationException("Durable:AzureStorage:ConnectionString is empty: the lifecycle tables need it (or set Durable:Backend to InMemory).");
        _service ??= new TableServiceClient(cs);
        var table = _service.GetTableClient(name);
        await table.CreateIfNotExistsAsync();
        return table;
    }

    /// <summary>A row key made safe for Azure tables (no / \ # ? or control characters).</summary>
    public static string Key(string value)
    {
        var chars = value.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c).ToArray();
        return new string(chars);
    }
}
