using Microsoft.DurableTask.Client;

namespace Orchestrator.Durable.Client;

/// <summary>
/// The orchestration version of an instance as the client reads it. Microsoft.DurableTask.Client 1.28's
/// <see cref="OrchestrationMetadata"/> has no Version although DTFx's OrchestrationState has one, so our client adds it to
/// the metadata's <see cref="OrchestrationMetadata.Tags"/> under <see cref="Tag"/> (read side only: nothing is stored as a
/// tag, and restart copies the instance's own tags). Read it with <see cref="GetVersion"/>.
/// </summary>
public static class OrchestrationVersions
{
    public const string Tag = "orchestrator.version";

    /// <summary>The version the instance started with (its ExecutionStarted event's), or null when unversioned.</summary>
    public static string? GetVersion(this OrchestrationMetadata metadata) =>
        metadata.Tags.TryGetValue(Tag, out var version) && !string.IsNullOrEmpty(version) ? version : null;

    internal static Dictionary<string, string> WithVersion(IDictionary<string, string>? tags, string? version)
    {
        var result = tags is null ? new Dictionary<string, string>() : new Dictionary<string, string>(tags);
        if (!string.IsNullOrEmpty(version)) result[Tag] = version;
        return result;
    }
}
