using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Identifiers;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Api.Http.Api;

/// <summary>Checks of the codes that address things (project, item, department), with messages that name the field.</summary>
public static class Codes
{
    /// <summary>A national investment project code (domain rules); the domain's message when it is not one.</summary>
    public static bool CheckProjectCode(string? value, FieldErrors errors, string field = "projectCode")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "Required: the national investment project code, e.g. 2603-141124-89-05-346948.");
            return false;
        }
        if (!ProjectCode.TryParse(value, out _, out var error))
        {
            errors.Add(field, $"Invalid investment project code: {error}.");
            return false;
        }
        return true;
    }

    /// <summary>An item code of the catalog (when the catalog is available), e.g. S1-EIA.</summary>
    public static bool CheckItemCode(string? value, ApprovalCatalog? catalog, FieldErrors errors, string field = "itemCode")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "Required: an item code of the catalog, e.g. S1-EIA.");
            return false;
        }
        if (!InstanceIds.IsSafe(value))
        {
            errors.Add(field, $"'{value}' is not an item code: item codes are letters, digits and '-', e.g. S1-EIA.");
            return false;
        }
        if (catalog is not null && !catalog.TryGetItem(value, out _))
        {
            errors.Add(field, $"'{value}' is not an item of the catalog (version {catalog.Version}); known items: {string.Join(", ", catalog.Items.Select(i => i.Code))}.");
            return false;
        }
        return true;
    }

    /// <summary>A department code of the catalog (when available), e.g. HCD.</summary>
    public static bool CheckDepartmentCode(string? value, ApprovalCatalog? catalog, FieldErrors errors, string field = "departmentCode")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "Required: a department code of the catalog, e.g. HCD.");
            return false;
        }
        if (!InstanceIds.IsSafe(value))
        {
            errors.Add(field, $"'{value}' is not a department code: department codes are letters and digits, e.g. HCD.");
            return false;
        }
        if (catalog is not null && !catalog.Departments.Any(d => d.Code == value))
        {
            errors.Add(field, $"'{value}' is not a department of the catalog; known departments: {string.Join(", ", catalog.Departments.Select(d => d.Code))}.");
            return false;
        }
        return true;
    }

    /// <summary>Parses an enum by name (case-insensitive, never by number); the message lists the names.</summary>
    public static bool TryEnum<TEnum>(string? value, string field, FieldErrors errors, out TEnum result, bool required = true) where TEnum : struct, Enum
    {
        result = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors.Add(field, $"Required: one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
            return !required;
        }
        var normalized = value.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        if (int.TryParse(value, out _) || !Enum.TryParse(normalized, ignoreCase: true, out result) || !Enum.IsDefined(result))
        {
            errors.Add(field, $"'{value}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
            return false;
        }
        return true;
    }
}
