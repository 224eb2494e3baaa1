using System.Globalization;
using Microsoft.DurableTask.Client;

namespace Orchestrator.SelfHost.Management;

/// <summary>Query-string parsing with problem messages that name the parameter and what it accepts.</summary>
internal static class QueryParameters
{
    public static bool TryBool(HttpRequest request, string name, bool defaultValue, out bool value, out IResult? problem)
    {
        problem = null;
        value = defaultValue;
        var raw = request.Query[name].FirstOrDefault();
        if (string.IsNullOrEmpty(raw)) return true;
        if (bool.TryParse(raw, out value)) return true;
        problem = Api.Problems.Problems.BadRequest("invalid-query-parameter", $"Invalid {name}",
            $"The query parameter '{name}' is '{raw}'; use true or false.", name);
        return false;
    }

    public static bool TryTime(HttpRequest request, string name, out DateTimeOffset? value, out IResult? problem)
    {
        problem = null;
        value = null;
        var raw = request.Query[name].FirstOrDefault();
        if (string.IsNullOrEmpty(raw)) return true;
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            value = parsed;
            return true;
        }
        problem = Api.Problems.Problems.BadRequest("invalid-query-parameter", $"Invalid {name}",
            $"The query parameter '{name}' is '{raw}', which is not a date and time; use ISO 8601 such as 2026-01-31T00:00:00Z (UTC when no offset is given).", name);
        return false;
    }

    public static bool TryStatuses(HttpRequest request, string name, out IReadOnlyCollection<OrchestrationRuntimeStatus>? value, out IResult? problem)
    {
        problem = null;
        value = null;
        var raw = string.Join(',', request.Query[name].Where(v => !string.IsNullOrEmpty(v)));
        if (string.IsNullOrWhiteSpace(raw)) return true;
        var statuses = new HashSet<OrchestrationRuntimeStatus>();
        foreach (var part in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<OrchestrationRuntimeStatus>(part, ignoreCase: true, out var status) || int.TryParse(part, out _))
            {
                problem = Api.Problems.Problems.BadRequest("invalid-query-parameter", $"Invalid {name}",
                    $"The query parameter '{name}' contains '{part}', which is not a runtime status; use a comma-separated list of {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}.", name);
                return false;
            }
            statuses.Add(status);
        }
        value = statuses;
        return true;
    }

    public static bool TryTop(HttpRequest request, int defaultValue, int max, out int value, out IResult? problem)
    {
        problem = null;
        value = defaultValue;
        var raw = request.Query["top"].FirstOrDefault();
        if (string.IsNullOrEmpty(raw)) return true;
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1 && value <= max) return true;
        problem = Api.Problems.Problems.BadRequest("invalid-query-parameter", "Invalid top",
            $"The query parameter 'top' is '{raw}'; use a whole number from 1 to {max} (setting Management:MaxPageSize), and follow the x-ms-continuation-token response header for further pages.", "top");
        return false;
    }
}
