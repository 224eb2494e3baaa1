namespace Orchestrator.Durable.Diagnostics;

/// <summary>JSON <c>{"count": 10}</c>.</summary>
public sealed record FanOutFanInInput(int Count);
