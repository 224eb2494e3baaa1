namespace Orchestrator.Durable.Execution;

/// <summary>The orchestrator code no longer produces the actions recorded in its history.</summary>
internal sealed class NonDeterministicOrchestrationException(string message) : Exception(message);

/// <summary>The orchestrator awaited a task the orchestration context did not create.</summary>
internal sealed class IllegalAwaitException(string message) : Exception(message);
