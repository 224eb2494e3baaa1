using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;

namespace Orchestrator.Orchestrations.Infrastructure;

/// <summary>
/// The lifecycle's own Azure tables (credit registry, notification outbox, SLA reports), on the storage account
/// of the engine (<c>Durable:AzureStorage:ConnectionString</c>). Tables are created on first use.
/// </summary>
/// <param name="options">Client options of the tables (e.g. a pipeline policy that counts requests); null: the SDK defaults.</param>
public sealed class LifecycleTables(string? connectionString, TableClientOptions? options = null)
{
    /// <summary>The connection string of the lifecycle tables: <c>Lifecycle:Tables:ConnectionString</c>, else the engine's.</summary>
    public static string? ConnectionString(IConfiguration configuration) =>
        configuration["Lifecycle:Tables:ConnectionString"] is { Length: > 0 } own ? own : configuration["Durable:AzureStorage:ConnectionString"] ?? "UseDevelopmentStorage=true";

    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new();
    private TableServiceClient? _service;

    public Task<TableClient> GetAsync(string name) => _tables.GetOrAdd(name, n => new Lazy<Task<TableClient>>(() => CreateAsync(n))).Value;

    private async Task<TableClient> CreateAsync(string name)
    {
        var cs = connectionString;
        if (string.IsNullOrWhiteSpace(cs))
            throw new InvalidOperationException("Durable:AzureStorage:ConnectionString is empty: the lifecycle tables need the storage account's connection string.");
        _service ??= options is null ? new TableServiceClient(cs) : new TableServiceClient(cs, options);
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
