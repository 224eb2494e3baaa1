using System.Diagnostics;
using Orchestrator.Durable;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Functions.Observability;

/// <summary>
/// The project code an instance belongs to, from the lifecycle's instance-id scheme (project-{code},
/// project-{code}-item-…, project-{code}-meeting-…); null for other instances.
/// </summary>
public static class ProjectCodes
{
    public const string ScopeProperty = "ProjectCode";
    public const string SpanTag = "orchestrator.project_code";

    public static string? FromInstanceId(string? instanceId)
    {
        if (instanceId is null || !instanceId.StartsWith(InstanceIds.ProjectPrefix, StringComparison.Ordinal)) return null;
        var rest = instanceId[InstanceIds.ProjectPrefix.Length..];
        foreach (var marker in new[] { "-item-", "-meeting-" })
        {
            var at = rest.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0) rest = rest[..at];
        }
        return rest.Length == 0 ? null : rest;
    }
}

/// <summary>Adds ProjectCode to the engine's per-episode and per-activity log scope (which has InstanceId).</summary>
internal sealed class ProjectCodeLogScopeEnricher : IInstanceLogScopeEnricher
{
    public void Enrich(string instanceId, IDictionary<string, object?> properties)
    {
        if (ProjectCodes.FromInstanceId(instanceId) is { } code) properties[ProjectCodes.ScopeProperty] = code;
    }
}

/// <summary>Tags engine spans of lifecycle instances with the project code.</summary>
internal sealed class ProjectCodeSpanProcessor : OpenTelemetry.BaseProcessor<Activity>
{
    public override void OnStart(Activity activity)
    {
        if (activity.GetTagItem(DurableTelemetry.InstanceIdTag) is string id && ProjectCodes.FromInstanceId(id) is { } code)
            activity.SetTag(SpanTag, code);
    }

    private const string SpanTag = ProjectCodes.SpanTag;
}
