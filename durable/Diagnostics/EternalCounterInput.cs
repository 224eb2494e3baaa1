namespace Orchestrator.Durable.Diagnostics;

/// <summary>JSON <c>{"stopAt": 10, "count": 0}</c>; <c>count</c> is carried from generation to generation.</summary>
public sealed record EternalCounterInput(int StopAt, int Count = 0);
