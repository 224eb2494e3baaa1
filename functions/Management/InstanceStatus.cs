using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Durable;

namespace Orchestrator.Functions.Management;

/// <summary>The status document of one instance, shaped like Durable Functions' instance-status HTTP API.</summary>
internal static class InstanceStatus
{
    public static JsonObject ToJson(OrchestrationMetadata m, bool showInput, IReadOnlyList<HistoryEvent>? history = null, bool showHistoryOutput = false)
    {
        var json = new JsonObject
        {
            ["name"] = m.Name,
            ["instanceId"] = m.InstanceId,
            ["runtimeStatus"] = m.RuntimeStatus.ToString(),
        };
        if (showInput) json["input"] = Parse(m.SerializedInput);
        json["customStatus"] = Parse(m.SerializedCustomStatus);
        json["output"] = m.RuntimeStatus == OrchestrationRuntimeStatus.Failed && m.SerializedOutput is null && m.FailureDetails is not null
            ? JsonValue.Create(m.FailureDetails.ToString())
            : Parse(m.SerializedOutput);
        json["createdTime"] = Time(m.CreatedAt);
        json["lastUpdatedTime"] = Time(m.LastUpdatedAt);
        if (m.CompletedAt is { } completed) json["completedTime"] = Time(completed);
        if (!string.IsNullOrEmpty(m.Version)) json["version"] = m.Version;
        if (m.ParentInstanceId is not null) json["parentInstanceId"] = m.ParentInstanceId;
        if (m.FailureDetails is not null) json["failureDetails"] = Failure(m.FailureDetails);
        if (history is not null)
        {
            var events = new JsonArray();
            foreach (var e in history) events.Add(HistoryEventJson(e, showHistoryOutput));
            json["historyEvents"] = events;
        }
        return json;
    }

    /// <summary>PascalCase as in Durable Functions' historyEvents: EventType and Timestamp always.</summary>
    private static JsonObject HistoryEventJson(HistoryEvent e, bool showOutput)
    {
        var json = new JsonObject { ["EventType"] = e.EventType.ToString(), ["Timestamp"] = Time(e.Timestamp) };
        if (e.EventId >= 0) json["EventId"] = e.EventId;
        if (e.Name is not null)
        {
            var nameKey = e.EventType is HistoryEventType.EventRaised or HistoryEventType.EventSent ? "Name" : "FunctionName";
            json[nameKey] = e.Name;
        }
        if (e.TaskScheduledId is { } scheduledId) json["TaskScheduledId"] = scheduledId;
        if (e.FireAt is { } fireAt) json["FireAt"] = Time(fireAt);
        if (e.InstanceId is not null) json["InstanceId"] = e.InstanceId;
        if (e.FailureDetails is not null) json["FailureDetails"] = Failure(e.FailureDetails);
        if (showOutput)
        {
            if (e.Input is not null) json["Input"] = Parse(e.Input);
            if (e.Result is not null) json["Result"] = Parse(e.Result);
        }
        return json;
    }

    private static JsonObject Failure(TaskFailureDetails f)
    {
        var json = new JsonObject { ["errorType"] = f.ErrorType, ["errorMessage"] = f.ErrorMessage };
        if (f.StackTrace is not null) json["stackTrace"] = f.StackTrace;
        if (f.InnerFailure is not null) json["innerFailure"] = Failure(f.InnerFailure);
        return json;
    }

    internal static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static JsonNode? Parse(string? serialized)
    {
        if (serialized is null) return null;
        try { return JsonNode.Parse(serialized); }
        catch (JsonException) { return JsonValue.Create(serialized); }
    }
}
