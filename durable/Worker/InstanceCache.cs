using Orchestrator.Durable.Storage;

namespace Orchestrator.Durable.Worker;

/// <summary>
/// Recently used instances (state, ETag, history) kept between episodes, like Durable Functions' extended
/// sessions: a busy instance is not re-read from storage on every event. The store stays the source of truth:
/// an entry is used only while the stored ETag still matches, and a commit conflict evicts it. An entry may also
/// hold the live orchestrator (its code suspended at its awaits), so the next episode continues it with the new
/// events only instead of replaying the history.
/// </summary>
internal sealed class InstanceCache(int capacity)
{
    /// <param name="Executor">The orchestrator code suspended after exactly <paramref name="History"/>, or null (replay).</param>
    internal sealed record Entry(string ETag, InstanceState State, List<HistoryEvent> History, Execution.OrchestrationExecutor? Executor = null);

    private readonly object _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string Id, Entry Entry)>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Id, Entry Entry)> _lru = new();

    public Entry? TryGet(string instanceId)
    {
        lock (_lock)
        {
            if (!_map.TryGetValue(instanceId, out var node))
                return null;
            _lru.Remove(node);
            _lru.AddFirst(node);
            return node.Value.Entry;
        }
    }

    public void Put(string instanceId, Entry entry)
    {
        if (capacity <= 0)
            return;
        lock (_lock)
        {
            if (_map.TryGetValue(instanceId, out var existing))
                _lru.Remove(existing);
            var node = _lru.AddFirst((instanceId, entry));
            _map[instanceId] = node;
            while (_map.Count > capacity && _lru.Last is { } last)
            {
                _lru.RemoveLast();
                _map.Remove(last.Value.Id);
            }
        }
    }

    public void Evict(string instanceId)
    {
        lock (_lock)
        {
            if (_map.Remove(instanceId, out var node))
                _lru.Remove(node);
        }
    }

    public int Count { get { lock (_lock) return _map.Count; } }
}
