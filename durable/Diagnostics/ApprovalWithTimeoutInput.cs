namespace Orchestrator.Durable.Diagnostics;

/// <summary>JSON <c>{"timeoutSeconds": 60}</c>.</summary>
public sealed record ApprovalWithTimeoutInput(int TimeoutSeconds);
