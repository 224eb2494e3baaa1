using System.Diagnostics;
using Azure.Data.Tables;
using Orchestrator.Durable.AzureStorage;

namespace Orchestrator.Bench;

/// <summary>Raw request rates of the storage endpoint (no engine): what one request of each kind costs.</summary>
internal static class RawStorageBench
{
    public static async Task RunAsync(string connection, int count, int concurrency, int? azuritePid)
    {
        var hub = new TaskHubResources(connection, "raw" + Guid.NewGuid().ToString("N")[..8]);
        await hub.EnsureCreatedAsync();
        async Task Measure(string what, Func<int, Task> op)
        {
            var cpu = CpuTime.OfProcess(azuritePid);
            var sw = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency },
                async (i, _) => await op(i));
            var used = CpuTime.OfProcess(azuritePid) - cpu;
            Console.WriteLine($"{what,-28} {count / sw.Elapsed.TotalSeconds,8:F0} ops/s  ({sw.Elapsed.TotalMilliseconds / count * concurrency:F1} ms each at concurrency {concurrency})" +
                              (used is { } u ? $", Azurite CPU {u.TotalMilliseconds / count:F2} ms/op" : ""));
        }
        await Measure("table insert", i => hub.Instances.AddEntityAsync(new TableEntity("p" + i, "state") { ["v"] = i }));
        await Measure("table point read", i => hub.Instances.GetEntityAsync<TableEntity>("p" + i, "state"));
        await Measure("table partition query", async i => { await foreach (var _ in hub.Instances.QueryAsync<TableEntity>($"PartitionKey eq 'p{i}'")) { } });
        await Measure("table batch (3 rows)", i => hub.Instances.SubmitTransactionAsync([
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p" + i, "state") { ["v"] = 2 }),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p" + i, "h-1") { ["v"] = 2 }),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p" + i, "h-2") { ["v"] = 2 })]));
        await Measure("queue send", i => hub.WakeUps.SendMessageAsync("m" + i));
        await Measure("queue receive (32) + delete", async i =>
        {
            if (i % 32 != 0) return;
            var got = await hub.WakeUps.ReceiveMessagesAsync(32);
            foreach (var m in got.Value) await hub.WakeUps.DeleteMessageAsync(m.MessageId, m.PopReceipt);
        });
        await hub.DeleteAllAsync();
    }
}
