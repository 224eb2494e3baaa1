namespace Orchestrator.Durable;

public sealed record PurgeResult(int PurgedInstanceCount);
