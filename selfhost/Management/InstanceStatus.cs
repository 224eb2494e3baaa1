using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Orchestrator.SelfHost.Management;

/// <summary>The JSON shape of Durable Functions' instance status, with its history events (DTFx's history types).</summary>
internal static class InstanceStatus
{
    public static JsonObject ToJson(OrchestrationMetadata m, bool showInput, IList<HistoryEvent>? history = null, bool showHistoryOutput = false)
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
            ? JsonValue.Create(m.FailureDetails.ErrorMessage)
            : Parse(m.SerializedOutput);
        json["createdTime"] = Time(m.CreatedAt);
        json["lastUpdatedTime"] = Time(m.LastUpdatedAt);
        if (m.FailureDetails is not null) json["failureDetails"] = Failure(m.FailureDetails);
        if (history is not null)
        {
            var events = new JsonArray();
            foreach (var e in history) events.Add(HistoryEventJson(e, showHistoryOutput));
            json["historyEvents"] = events;
        }
        return json;
    }

    /// <summary>One history event as Durable Functions shows it: EventType, Timestamp, FunctionName or Name, and the ids that link events.</summary>
    private static JsonObject HistoryEventJson(HistoryEvent e, bool showOutput)
    {
        var json = new JsonObject { ["EventType"] = e.EventType.ToString(), ["Timestamp"] = Time(e.Timestamp) };
        if (e.EventId >= 0) json["EventId"] = e.EventId;
        string? input = null, result = null;
        switch (e)
        {
            case ExecutionStartedEvent s: json["FunctionName"] = s.Name; input = s.Input; break;
            case TaskScheduledEvent s: json["FunctionName"] = s.Name; input = s.Input; break;
            case TaskCompletedEvent c: json["TaskScheduledId"] = c.TaskScheduledId; result = c.Result; break;
            case TaskFailedEvent f: json["TaskScheduledId"] = f.TaskScheduledId; json["Reason"] = f.Reason; json["Details"] = f.FailureDetails?.ErrorMessage ?? f.Details; break;
            case SubOrchestrationInstanceCreatedEvent s: json["FunctionName"] = s.Name; json["InstanceId"] = s.InstanceId; input = s.Input; break;
            case SubOrchestrationInstanceCompletedEvent c: json["TaskScheduledId"] = c.TaskScheduledId; result = c.Result; break;
            case SubOrchestrationInstanceFailedEvent f: json["TaskScheduledId"] = f.TaskScheduledId; json["Reason"] = f.Reason; break;
            case TimerCreatedEvent t: json["FireAt"] = Time(t.FireAt); break;
            case TimerFiredEvent t: json["TimerId"] = t.TimerId; json["FireAt"] = Time(t.FireAt); break;
            case EventRaisedEvent r: json["Name"] = r.Name; input = r.Input; break;
            case EventSentEvent s: json["Name"] = s.Name; json["InstanceId"] = s.InstanceId; input = s.Input; break;
            case ExecutionCompletedEvent c: json["OrchestrationStatus"] = c.OrchestrationStatus.ToString(); result = c.Result; break;
            case ExecutionTerminatedEvent t: input = t.Input; break;
        }
        if (showOutput)
        {
            if (input is not null) json["Input"] = Parse(input);
            if (result is not null) json["Result"] = Parse(result);
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

    internal static string Time(DateTime t) => Time(new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)));

    private static JsonNode? Parse(string? serialized)
    {
        if (serialized is null) return null;
        try { return JsonNode.Parse(serialized); }
        catch (JsonException) { return JsonValue.Create(serialized); }
    }
}
