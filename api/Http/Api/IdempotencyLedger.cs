using System.Collections.Concurrent;

namespace Orchestrator.Api.Http.Api;

/// <summary>
/// Idempotency keys this process has answered recently, per command target, so that a retry that arrives before the
/// first request was applied (the engine deduplicates it, the lifecycle still says Applied) is also marked
/// Idempotent-Replayed. Once applied, the lifecycle itself recognises the key (Duplicate) in any process. Bounded.
/// </summary>
public sealed class IdempotencyLedger
{
    private const int Capacity = 20_000;
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);

    /// <summary>Records the key; true when it had been recorded before (a replay).</summary>
    public bool IsReplay(string target, string key)
    {
        if (_seen.Count >= Capacity) _seen.Clear();
        return !_seen.TryAdd($"{target}\n{key}", 0);
    }
}
