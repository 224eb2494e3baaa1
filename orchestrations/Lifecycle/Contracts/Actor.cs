namespace Orchestrator.Orchestrations.Lifecycle;

/// <summary>Who did something (经办人): recorded with every decision and event, shown in the history.</summary>
/// <param name="Name">Person or key name as authenticated by the host.</param>
/// <param name="Role">Role of the caller: platform, department, ops, system.</param>
/// <param name="DepartmentCode">Department the caller acts for (catalog department code), null for non-department roles.</param>
public sealed record Actor(string Name, string Role, string? DepartmentCode = null)
{
    /// <summary>The service itself (timers, sweeps).</summary>
    public static Actor System { get; } = new("orchestrator", "system");
}
