using System.Diagnostics;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.SelfHost.Observability;

/// <summary>
/// The project code an instance belongs to, from the lifecycle's instance-id scheme (project-{code},
/// item-{code}-…, meeting-{code}-…; project codes are dddd-dddddd-dd-dd-dddddd); null for other instances.
/// </summary>
public static class ProjectCodes
{
    public const string ScopeProperty = "ProjectCode";
    public const string SpanTag = "orchestrator.project_code";

    /// <summary>The span tag DTFx puts the instance id in (DurableTask.Core tracing schema).</summary>
    public const string InstanceIdTag = "durabletask.task.instance_id";

    public static string? FromInstanceId(string? instanceId)
    {
        if (instanceId is null) return null;
        if (instanceId.StartsWith(InstanceIds.ProjectPrefix, StringComparison.Ordinal))
            return instanceId.Length > InstanceIds.ProjectPrefix.Length ? instanceId[InstanceIds.ProjectPrefix.Length..] : null;
        foreach (var prefix in new[] { InstanceIds.ItemPrefix, InstanceIds.MeetingPrefix })
        {
            // The project code has a fixed shape, dddd-dddddd-dd-dd-dddddd (24 characters).
            if (instanceId.StartsWith(prefix, StringComparison.Ordinal) && instanceId.Length > prefix.Length + 24
                && Orchestrator.Orchestrations.Identifiers.ProjectCode.TryParse(instanceId.Substring(prefix.Length, 24), out _, out _))
                return instanceId.Substring(prefix.Length, 24);
        }
        return null;
    }
}

/// <summary>
/// Tags engine spans of lifecycle instances with the project code. DTFx sets the instance id tag after it starts a span,
/// so the tag is added when the span ends (this processor runs before the exporters), and at start when already known.
/// </summary>
internal sealed class ProjectCodeSpanProcessor : OpenTelemetry.BaseProcessor<Activity>
{
    public override void OnStart(Activity activity) => Tag(activity);

    public override void OnEnd(Activity activity) => Tag(activity);

    private static void Tag(Activity activity)
    {
        if (activity.GetTagItem(SpanTag) is null && activity.GetTagItem(ProjectCodes.InstanceIdTag) is string id
            && ProjectCodes.FromInstanceId(id) is { } code)
            activity.SetTag(SpanTag, code);
    }

    private const string SpanTag = ProjectCodes.SpanTag;
}
