using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Orchestrations.Infrastructure;
using Orchestrator.Orchestrations.Lifecycle;
using Orchestrator.Orchestrations.ReadModel;

namespace Orchestrator.Bench;

/// <summary>
/// A bench process running the whole lifecycle on the engine, with three request counters: the engine's (DTFx queues,
/// tables, blobs), the read model's (its own <see cref="LifecycleTables"/> instance) and the lifecycle's other tables
/// (credit registry, notification outbox, SLA reports). Table names are unique per run.
/// </summary>
internal static class LifecycleBenchHost
{
    public sealed record Counters(StorageRequestCounter Engine, StorageRequestCounter ReadModel, StorageRequestCounter OtherTables);

    /// <param name="lifecycleConnection">The lifecycle's tables (read model, credit, outbox, reports) on another storage account
    /// (<c>Lifecycle:Tables:ConnectionString</c>); null: the engine's.</param>
    public static async Task<IHost> StartAsync(string connection, string hub, BenchOptions o, Counters counters, TimeProvider? time = null,
        Action<Microsoft.DurableTask.DurableTaskRegistry>? tasks = null, string? lifecycleConnection = null) =>
        await BenchHost.StartAsync(connection, hub, o, counters.Engine, worker: true, tasks: tasks, services: (services, configuration) =>
        {
            ((IConfigurationBuilder)configuration).AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Lifecycle:Tables:EnterpriseCredit"] = hub + "Credit",
                ["Lifecycle:Tables:Notifications"] = hub + "Notifications",
                ["Lifecycle:Tables:SlaReports"] = hub + "SlaReports",
                ["Lifecycle:Tables:Projects"] = hub + "Projects",
                ["Lifecycle:Tables:ProjectDetails"] = hub + "ProjectDetails",
                ["Lifecycle:Tables:DepartmentItems"] = hub + "DepartmentItems",
                ["Lifecycle:Tables:Escalations"] = hub + "Escalations",
                ["Lifecycle:Notifications:DrainEnabled"] = "false",
            });
            if (time is not null) services.AddSingleton(time);
            services.AddSingleton(new LifecycleTables(lifecycleConnection ?? connection, Options(counters.OtherTables)));
            var readModel = new LifecycleTables(lifecycleConnection ?? connection, Options(counters.ReadModel));
            services.AddSingleton(sp => new ReadModelTables(readModel, sp.GetRequiredService<IOptions<LifecycleOptions>>()));
            services.AddApprovalLifecycle(configuration);
        });

    private static TableClientOptions Options(StorageRequestCounter counter)
    {
        var options = new TableClientOptions();
        counter.Attach(options);
        return options;
    }
}
