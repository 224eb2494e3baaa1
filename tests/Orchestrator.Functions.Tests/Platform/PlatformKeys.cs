using Orchestrator.Functions.Tests.Infrastructure;

namespace Orchestrator.Functions.Tests.Platform;

/// <summary>Department keys added to the host's test keys: HCD stored hashed, FIRE plain.</summary>
public static class PlatformKeys
{
    public const string Hcd = "test-hcd-key-0123456789";
    public const string Fire = "test-fire-key-0123456789";
    public const string Drc = "test-drc-key-0123456789";
    public const string Eeb = "test-eeb-key-0123456789";

    public static readonly IReadOnlyDictionary<string, string> ByDepartment = new Dictionary<string, string>
    {
        ["HCD"] = Hcd, ["FIRE"] = Fire, ["DRC"] = Drc, ["EEB"] = Eeb,
    };

    public static void Add(Dictionary<string, string?> s)
    {
        var i = 3;
        foreach (var (department, key) in ByDepartment)
        {
            s[$"Auth:ApiKeys:{i}:Name"] = $"test-{department.ToLowerInvariant()}";
            if (i % 2 == 1) s[$"Auth:ApiKeys:{i}:KeyHash"] = Auth.ApiKeyEntry.ComputeHash(key);
            else s[$"Auth:ApiKeys:{i}:Key"] = key;
            s[$"Auth:ApiKeys:{i}:Role"] = "department";
            s[$"Auth:ApiKeys:{i}:DepartmentCode"] = department;
            i++;
        }
    }
}
