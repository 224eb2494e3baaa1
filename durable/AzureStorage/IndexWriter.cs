using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>
/// Group commit for index rows: all index rows live in one partition, so every write waiting at a moment goes to
/// storage in one entity group transaction (up to 100 rows) instead of one request each. One flush runs at a
/// time, which also keeps the writes of one instance in order; under load, writes pile up behind the running
/// flush and share the next one; when idle, a write goes out at once.
/// </summary>
internal sealed class IndexWriter(TableClient table, ILogger logger)
{
    private sealed record Write(TableEntity Row, bool Delete, TaskCompletionSource Done);

    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly object _startGate = new();
    private Task? _loop;

    /// <summary>Queues an upsert (replace) of the row; the task completes when it is stored.</summary>
    public Task UpsertAsync(TableEntity row) => Enqueue(new Write(row, false, NewDone()));

    /// <summary>Queues a delete of the row; the task completes when it is gone.</summary>
    public Task DeleteAsync(string partitionKey, string rowKey) =>
        Enqueue(new Write(new TableEntity(partitionKey, rowKey), true, NewDone()));

    private static TaskCompletionSource NewDone() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task Enqueue(Write write)
    {
        EnsureLoop();
        _writes.Writer.TryWrite(write);
        return write.Done.Task;
    }

    private void EnsureLoop()
    {
        if (_loop is not null) return;
        lock (_startGate) _loop ??= Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        var reader = _writes.Reader;
        var pending = new List<Write>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Take what is waiting, at most one transaction's worth of distinct rows (the latest write of a row wins).
            var latest = new Dictionary<string, Write>(StringComparer.Ordinal);
            var superseded = new List<Write>();
            while (latest.Count < PartitionTransactionWriter.MaxActions && reader.TryRead(out var w))
            {
                if (latest.Remove(w.Row.RowKey, out var older)) superseded.Add(older);
                latest[w.Row.RowKey] = w;
            }
            pending.Clear();
            pending.AddRange(latest.Values);
            try
            {
                await FlushAsync(pending).ConfigureAwait(false);
                foreach (var w in pending) w.Done.TrySetResult();
                foreach (var w in superseded) w.Done.TrySetResult();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Writing {Count} index rows to table {Table} failed; the sweep repairs them.", pending.Count, table.Name);
                foreach (var w in pending) w.Done.TrySetException(e);
                foreach (var w in superseded) w.Done.TrySetException(e);
            }
        }
    }

    private async Task FlushAsync(List<Write> writes)
    {
        if (writes.Count == 1)
        {
            await WriteOneAsync(writes[0]).ConfigureAwait(false);
            return;
        }
        var actions = writes.Select(w => w.Delete
            ? new TableTransactionAction(TableTransactionActionType.Delete, w.Row, ETag.All)
            : new TableTransactionAction(TableTransactionActionType.UpsertReplace, w.Row)).ToList();
        try
        {
            await table.SubmitTransactionAsync(actions).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException)
        {
            // One bad action (a delete of a row already gone) fails them all: write one by one instead.
            foreach (var w in writes) await WriteOneAsync(w).ConfigureAwait(false);
        }
    }

    private async Task WriteOneAsync(Write w)
    {
        if (!w.Delete)
        {
            await table.UpsertEntityAsync(w.Row, TableUpdateMode.Replace).ConfigureAwait(false);
            return;
        }
        try
        {
            await table.DeleteEntityAsync(w.Row.PartitionKey, w.Row.RowKey, ETag.All).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404) { }
    }
}
