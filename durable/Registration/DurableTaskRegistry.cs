using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Durable.Execution;

namespace Orchestrator.Durable;

/// <summary>Orchestrators keyed by (name, version) and activities keyed by name.</summary>
public sealed class DurableTaskRegistry
{
    internal Dictionary<(string Name, string Version), Func<IServiceProvider, IOrchestratorRunner>> Orchestrators { get; } = new(OrchestratorKeyComparer.Instance);
    internal Dictionary<string, Func<IServiceProvider, IActivityRunner>> Activities { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Activity types to register in DI so that they are created per call in a scope.</summary>
    internal List<Type> ActivityTypes { get; } = [];

    /// <summary>Name = class name, version "".</summary>
    public DurableTaskRegistry AddOrchestrator<TOrchestrator>() where TOrchestrator : class
        => AddOrchestrator<TOrchestrator>(typeof(TOrchestrator).Name);

    public DurableTaskRegistry AddOrchestrator<TOrchestrator>(string name, string version = "") where TOrchestrator : class
        => Require<TOrchestrator, IOrchestratorRunner>("TaskOrchestrator<TInput, TOutput>").Add(name, version, sp => (IOrchestratorRunner)ActivatorUtilities.CreateInstance<TOrchestrator>(sp));

    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(string name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> implementation, string version = "")
    {
        var runner = new FuncOrchestrator<TInput, TOutput>(implementation);
        return Add(name, version, _ => runner);
    }

    /// <summary>Name = class name.</summary>
    public DurableTaskRegistry AddActivity<TActivity>() where TActivity : class
        => AddActivity<TActivity>(typeof(TActivity).Name);

    public DurableTaskRegistry AddActivity<TActivity>(string name) where TActivity : class
    {
        Require<TActivity, IActivityRunner>("TaskActivity<TInput, TOutput>");
        ValidateName(name);
        if (!Activities.TryAdd(name, sp => (IActivityRunner)sp.GetRequiredService<TActivity>()))
            throw new ArgumentException($"An activity named '{name}' is already registered.", nameof(name));
        ActivityTypes.Add(typeof(TActivity));
        return this;
    }

    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, Task<TOutput>> implementation)
    {
        ValidateName(name);
        var runner = new FuncActivity<TInput, TOutput>(implementation);
        if (!Activities.TryAdd(name, _ => runner))
            throw new ArgumentException($"An activity named '{name}' is already registered.", nameof(name));
        return this;
    }

    private DurableTaskRegistry Add(string name, string version, Func<IServiceProvider, IOrchestratorRunner> factory)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(version);
        if (!Orchestrators.TryAdd((name, version), factory))
            throw new ArgumentException($"An orchestrator named '{name}' with version '{version}' is already registered.", nameof(name));
        return this;
    }

    private DurableTaskRegistry Require<T, TRunner>(string baseName)
    {
        if (!typeof(TRunner).IsAssignableFrom(typeof(T)) || typeof(T).IsAbstract)
            throw new ArgumentException($"{typeof(T).FullName} must be a concrete class deriving from {baseName}.");
        return this;
    }

    private static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("Use a non-empty name.", nameof(name));
    }

    private sealed class OrchestratorKeyComparer : IEqualityComparer<(string Name, string Version)>
    {
        public static readonly OrchestratorKeyComparer Instance = new();
        public bool Equals((string Name, string Version) x, (string Name, string Version) y)
            => string.Equals(x.Name, y.Name, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Version, y.Version, StringComparison.Ordinal);
        public int GetHashCode((string Name, string Version) obj)
            => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Name), obj.Version);
    }
}
