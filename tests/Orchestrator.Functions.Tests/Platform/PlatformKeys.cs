namespace Orchestrator.Functions.Tests.Platform;

/// <summary>A department key for every department of the catalog, added to the host's test keys (every other one stored hashed).</summary>
public static class PlatformKeys
{
    public static readonly string[] Departments = ["DRC", "NRB", "PLN", "HCD", "EEB", "FIRE", "CAD", "WRB", "MET", "ARC"];

    public static string Of(string department) => $"test-{department.ToLowerInvariant()}-key-0123456789";

    public static string Hcd => Of("HCD");
    public static string Fire => Of("FIRE");

    public static void Add(Dictionary<string, string?> s)
    {
        var i = 3;
        foreach (var department in Departments)
        {
            s[$"Auth:ApiKeys:{i}:Name"] = $"test-{department.ToLowerInvariant()}";
            if (i % 2 == 1) s[$"Auth:ApiKeys:{i}:KeyHash"] = Orchestrator.Api.Auth.ApiKeyEntry.ComputeHash(Of(department));
            else s[$"Auth:ApiKeys:{i}:Key"] = Of(department);
            s[$"Auth:ApiKeys:{i}:Role"] = "department";
            s[$"Auth:ApiKeys:{i}:DepartmentCode"] = department;
            i++;
        }
    }
}
