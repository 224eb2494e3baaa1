namespace Orchestrator.Durable.Execution;

/// <summary>
/// Deterministic ids of messages and outbox rows. A message's id is unique within its target instance, so a
/// redelivered copy is recognised; '|' separates parts (instance ids cannot contain '/', '\', '#', '?').
/// </summary>
internal static class MessageIds
{
    public static string ActivityWorkItem(string instanceId, string executionId, int taskId) => $"{instanceId}|{executionId}|{taskId}";
    public static string ActivityResult(string executionId, int taskId) => $"task|{executionId}|{taskId}";
    public static string TimerFired(string executionId, int timerId) => $"timer|{executionId}|{timerId}";
    public static string SubOrchestrationResult(string parentExecutionId, int taskId) => $"sub|{parentExecutionId}|{taskId}";
    public static string SubOrchestrationStart(string parentInstanceId, string parentExecutionId, int taskId) => $"start|{parentInstanceId}|{parentExecutionId}|{taskId}";
    public static string SentEvent(string senderInstanceId, string senderExecutionId, int eventId) => $"evt|{senderInstanceId}|{senderExecutionId}|{eventId}";
    public static string ClientStart() => $"start|{Guid.NewGuid():N}";
    public static string ContinueAsNewStart(string executionId) => $"start|{executionId}";
    public static string CarriedEvent(string executionId, int index) => $"carry|{executionId}|{index}";
    public static string RaisedEvent(string? idempotencyKey) => idempotencyKey is null
        ? $"raise|{Guid.NewGuid():N}"
        : $"raise|key|{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(idempotencyKey)))}";
    public static string Control(string kind) => $"{kind}|{Guid.NewGuid():N}";
    public static string ChildTermination(string parentInstanceId, string parentExecutionId, int taskId) => $"kill|{parentInstanceId}|{parentExecutionId}|{taskId}";

    public static string OutboxActivity(string executionId, int taskId) => $"a|{executionId}|{taskId}";
    public static string OutboxMessage(string executionId, int eventId) => $"m|{executionId}|{eventId}";
    public static string OutboxParent(string executionId) => $"p|{executionId}";
    public static string OutboxChildTermination(string executionId, int taskId) => $"k|{executionId}|{taskId}";
}
