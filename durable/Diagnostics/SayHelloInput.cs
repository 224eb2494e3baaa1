namespace Orchestrator.Durable.Diagnostics;

/// <summary>JSON <c>{"name": "#1", "delayMs": 0}</c>.</summary>
public sealed record SayHelloInput(string Name, int DelayMs = 0);
