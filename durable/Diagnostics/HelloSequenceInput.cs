namespace Orchestrator.Durable.Diagnostics;

/// <summary>JSON <c>{"count": 5, "delayMs": 0}</c>.</summary>
public sealed record HelloSequenceInput(int Count, int DelayMs = 0);
