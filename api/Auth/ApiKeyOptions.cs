using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Auth;

/// <summary>The roles a key can carry.</summary>
public static class Roles
{
    /// <summary>Operations: the whole management API.</summary>
    public const string Ops = "ops";
    /// <summary>Platform services (approval APIs of later releases).</summary>
    public const string Platform = "platform";
    /// <summary>A government department, scoped by DepartmentCode (approval APIs of later releases).</summary>
    public const string Department = "department";
    /// <summary>Read-only access to the management API.</summary>
    public const string Viewer = "viewer";

    public static readonly IReadOnlyList<string> All = [Ops, Platform, Department, Viewer];
}

/// <summary>Section "Auth".</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];
}

/// <summary>One API key: store <see cref="KeyHash"/> ("sha256:&lt;hex&gt;"); a plain <see cref="Key"/> is for development.</summary>
public sealed class ApiKeyEntry
{
    public string? Name { get; set; }
    public string? Key { get; set; }
    public string? KeyHash { get; set; }
    public string? Role { get; set; }
    public string? DepartmentCode { get; set; }

    public const string HashPrefix = "sha256:";

    public static string ComputeHash(string key) =>
        HashPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var k = options.ApiKeys[i];
            var where = $"Auth:ApiKeys:{i}" + (string.IsNullOrWhiteSpace(k.Name) ? "" : $" ({k.Name})");
            if (string.IsNullOrWhiteSpace(k.Name)) errors.Add($"{where}: Name is missing; give each key a name (it appears in logs).");
            else if (!names.Add(k.Name)) errors.Add($"{where}: the name '{k.Name}' is used by another key; names must be unique.");

            var hasKey = !string.IsNullOrEmpty(k.Key);
            var hasHash = !string.IsNullOrEmpty(k.KeyHash);
            if (hasKey == hasHash)
            {
                errors.Add($"{where}: give exactly one of KeyHash (\"sha256:\" + hex SHA-256 of the key, for deployments) or Key (plain, for development).");
            }
            else if (hasKey && k.Key!.Length < 8)
            {
                errors.Add($"{where}: Key is shorter than 8 characters; use a longer random key.");
            }
            else if (hasHash && !IsValidHash(k.KeyHash!))
            {
                errors.Add($"{where}: KeyHash must be \"sha256:\" followed by 64 hex digits (printf %s 'the-key' | sha256sum).");
            }

            if (string.IsNullOrWhiteSpace(k.Role) || !Roles.All.Contains(k.Role, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{where}: Role '{k.Role}' is not one of {string.Join(", ", Roles.All)}.");
            }
            else if (string.Equals(k.Role, Roles.Department, StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(k.DepartmentCode))
            {
                errors.Add($"{where}: a department key needs DepartmentCode.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsValidHash(string value) =>
        value.StartsWith(ApiKeyEntry.HashPrefix, StringComparison.OrdinalIgnoreCase)
        && value.Length == ApiKeyEntry.HashPrefix.Length + 64
        && IsHex(value.AsSpan(ApiKeyEntry.HashPrefix.Length));

    private static bool IsHex(ReadOnlySpan<char> s)
    {
        foreach (var c in s) if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }
}
