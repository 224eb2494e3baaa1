using Azure;
using Azure.Data.Tables;

namespace Orchestrator.Durable.AzureStorage;

/// <summary>
/// Applies a set of row changes to one instance partition so that they become visible together with one
/// conditional state-row write, however many rows there are.
/// <para>
/// Small sets go in one entity group transaction with the state row (atomic, at most 100 actions / 4 MiB).
/// Larger sets are written as a chain of transactions, each of which also touches the state row under If-Match
/// of the ETag the previous step returned, so a writer that lost the race (or was overtaken after a crash)
/// cannot write a single row more. The rows written before the final step are invisible to readers until the
/// final step moves the state row's HistoryLength / Gen over them (see <see cref="InstanceRows"/>); after a
/// crash in between they stay invisible and a later commit overwrites or deletes them.
/// </para>
/// </summary>
internal sealed class PartitionTransactionWriter(TableClient table)
{
    /// <summary>Actions per transaction (service limit 100).</summary>
    public const int MaxActions = 100;

    /// <summary>Bytes per transaction, with margin under the 4 MiB service limit (our size estimate is rough).</summary>
    public const int MaxBytes = 3 * 1024 * 1024;

    /// <summary>
    /// Writes <paramref name="rows"/> (before or with the final step), then <paramref name="finalState"/> with
    /// If-Match <paramref name="expectedETag"/> (null: insert, the row must not exist), then
    /// <paramref name="afterRows"/> (best effort in the final transaction, else right after it: used for consumed
    /// inbox deletes, which must never precede the commit). Deletes of rows that do not exist are skipped, and so are
    /// inserts of rows that exist; <paramref name="skipped"/> hears of each.
    /// </summary>
    /// <returns>The state row's new ETag, or null when the state row's ETag did not match (or it exists, for an insert).</returns>
    public async Task<string?> CommitAsync(
        TableEntity finalState,
        string? expectedETag,
        IReadOnlyList<TableTransactionAction> rows,
        IReadOnlyList<TableTransactionAction> afterRows,
        CancellationToken ct,
        Action? beforeFinalStep = null,
        Action<TableTransactionAction>? skipped = null)
    {
        var pending = new Queue<TableTransactionAction>(rows);
        var etag = expectedETag;
        var finalSize = InstanceRows.EstimateSize(finalState);

        // Intermediate steps while what is left does not fit with the final state write.
        var step = 0;
        while (!FitsOneTransaction(pending, finalSize))
        {
            if (etag is null)
                throw new InvalidOperationException("A state row insert must fit one transaction with its rows.");
            var batch = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.UpdateMerge,
                    new TableEntity(finalState.PartitionKey, InstanceRows.StateKey) { ["ChainStep"] = ++step },
                    new ETag(etag)),
            };
            var bytes = 512;
            while (pending.Count > 0 && batch.Count < MaxActions)
            {
                var size = SizeOf(pending.Peek());
                if (batch.Count > 1 && bytes + size > MaxBytes) break;
                bytes += size;
                batch.Add(pending.Dequeue());
            }
            etag = await SubmitAsync(batch, ct, skipped).ConfigureAwait(false);
            if (etag is null) return null;
        }

        if (step > 0) beforeFinalStep?.Invoke();
        var final = new List<TableTransactionAction>
        {
            etag is null
                ? new TableTransactionAction(TableTransactionActionType.Add, finalState)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, finalState, new ETag(etag)),
        };
        final.AddRange(pending);
        var finalBytes = finalSize + pending.Sum(SizeOf);
        var after = new Queue<TableTransactionAction>(afterRows);
        while (after.Count > 0 && final.Count < MaxActions && finalBytes + SizeOf(after.Peek()) <= MaxBytes)
        {
            finalBytes += SizeOf(after.Peek());
            final.Add(after.Dequeue());
        }
        var newETag = await SubmitAsync(final, ct, skipped).ConfigureAwait(false);
        if (newETag is null) return null;

        // Left-over deletes after the commit: harmless to lose (the engine recognises a consumed message again
        // by the message id in history), so failures here do not undo the commit.
        while (after.Count > 0)
        {
            var batch = new List<TableTransactionAction>();
            while (after.Count > 0 && batch.Count < MaxActions) batch.Add(after.Dequeue());
            await SubmitWithoutStateAsync(batch, ct).ConfigureAwait(false);
        }
        return newETag;
    }

    /// <summary>Submits rows that do not involve the state row, skipping deletes of missing rows and inserts of existing rows.</summary>
    public async Task SubmitWithoutStateAsync(List<TableTransactionAction> batch, CancellationToken ct)
    {
        while (batch.Count > 0)
        {
            try
            {
                await table.SubmitTransactionAsync(batch, ct).ConfigureAwait(false);
                return;
            }
            catch (TableTransactionFailedException e) when (IsSkippable(e, batch))
            {
                batch.RemoveAt(e.FailedTransactionActionIndex!.Value);
            }
        }
    }

    private static bool FitsOneTransaction(Queue<TableTransactionAction> pending, int finalSize) =>
        pending.Count + 1 <= MaxActions && finalSize + pending.Sum(SizeOf) <= MaxBytes;

    private static int SizeOf(TableTransactionAction action) => InstanceRows.EstimateSize(action.Entity);

    /// <summary>Submits a batch whose first action is the state row; null on ETag mismatch (or existing row for an insert).</summary>
    private async Task<string?> SubmitAsync(List<TableTransactionAction> batch, CancellationToken ct, Action<TableTransactionAction>? skipped)
    {
        while (true)
        {
            try
            {
                var response = await table.SubmitTransactionAsync(batch, ct).ConfigureAwait(false);
                var stateResponse = response.Value[0];
                return stateResponse.Headers.ETag?.ToString()
                    ?? throw new InvalidOperationException("The table service returned no ETag for the state row of a transaction.");
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is 0 or null && e.Status is 412 or 404 or 409)
            {
                // 412: another writer changed the state row; 404: it was purged; 409: it exists (insert).
                return null;
            }
            catch (TableTransactionFailedException e) when (IsSkippable(e, batch))
            {
                skipped?.Invoke(batch[e.FailedTransactionActionIndex!.Value]);
                batch.RemoveAt(e.FailedTransactionActionIndex!.Value);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                return null;
            }
        }
    }

    /// <summary>A delete of a row that is already gone, or an insert of a row that already exists: the goal is reached.</summary>
    private static bool IsSkippable(TableTransactionFailedException e, List<TableTransactionAction> batch)
    {
        if (e.FailedTransactionActionIndex is not { } index || index <= 0 && batch[0].Entity.RowKey == InstanceRows.StateKey || index >= batch.Count)
            return false;
        var action = batch[index].ActionType;
        return (e.Status == 404 && action == TableTransactionActionType.Delete)
            || (e.Status == 409 && action == TableTransactionActionType.Add);
    }
}
