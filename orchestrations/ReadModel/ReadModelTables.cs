using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Orchestrator.Orchestrations.Infrastructure;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Orchestrations.ReadModel;

/// <summary>
/// The four read-model tables (names under <c>Lifecycle:Tables:*</c>) on the lifecycle's storage account. A separate
/// <see cref="LifecycleTables"/> instance may be given (e.g. one whose clients count their requests apart from the engine's).
/// </summary>
public sealed class ReadModelTables(LifecycleTables tables, IOptions<LifecycleOptions> options)
{
    private LifecycleTableOptions Names => options.Value.Tables;

    public Task<TableClient> ProjectsAsync() => tables.GetAsync(Names.Projects);
    public Task<TableClient> DetailsAsync() => tables.GetAsync(Names.ProjectDetails);
    public Task<TableClient> DepartmentItemsAsync() => tables.GetAsync(Names.DepartmentItems);
    public Task<TableClient> EscalationsAsync() => tables.GetAsync(Names.Escalations);
}
