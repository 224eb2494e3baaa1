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

    /// <summary>
    /// A department's open items and counters: a table per department (<c>{DepartmentItems}{code}</c>, partition = the code).
    /// A table of its own keeps a department's queries to its own rows (Azurite answers every query by scanning the whole
    /// table; a storage account seeks by key either way) and lets an operator scope a department's access to one table.
    /// </summary>
    public Task<TableClient> DepartmentItemsAsync(string departmentCode) =>
        departmentCode.Length is > 0 and <= 20 && departmentCode.All(char.IsAsciiLetterOrDigit)
            ? tables.GetAsync(Names.DepartmentItems + departmentCode)
            : throw new ArgumentException($"'{departmentCode}' is not a department code (letters and digits, up to 20).", nameof(departmentCode));
    public Task<TableClient> EscalationsAsync() => tables.GetAsync(Names.Escalations);
}
