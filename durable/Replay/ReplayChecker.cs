using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Orchestrator.Durable.Replay;

/// <summary>Which instances <see cref="ReplayChecker.CheckAsync"/> replays: the live ones, optionally by id prefix, optionally a random sample.</summary>
public sealed record ReplayCheckOptions(string? InstanceIdPrefix = null, int? Sample = null);

/// <summary>The outcome of replaying one instance.</summary>
/// <param name="EventId">Event id of the first history event the code did not reproduce (null when not known).</param>
/// <param name="Event">That event, e.g. <c>TaskScheduled 'Approve'</c>.</param>
public sealed record ReplayResult(string InstanceId, string Name, string? Version, bool Diverged, int? EventId = null, string? Event = null, string? Message = null)
{
    public override string ToString() => Diverged
        ? $"  {InstanceId} (version '{Version}'): event {(EventId is { } id ? id.ToString() : "?")} {Event}: {Message}"
        : $"  {InstanceId}: clean";
}

/// <summary>Per orchestrator name, how many replayed cleanly; and the diverged instances.</summary>
public sealed record ReplayReport(IReadOnlyList<ReplayResult> Results)
{
    public int Replayed => Results.Count;

    public int Diverged => Results.Count(r => r.Diverged);

    /// <summary>Per orchestrator: "{name}: {clean} replayed cleanly, {diverged} diverged", the diverged instances, last <c>replayed N, diverged M</c>.</summary>
    public IEnumerable<string> Lines()
    {
        foreach (var group in Results.GroupBy(r => r.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            yield return $"{group.Key}: {group.Count(r => !r.Diverged)} replayed cleanly, {group.Count(r => r.Diverged)} diverged";
            foreach (var d in group.Where(r => r.Diverged)) yield return d.ToString();
        }
        yield return $"replayed {Replayed}, diverged {Diverged}";
    }
}

/// <summary>
/// The replay gate: reads the histories of a task hub's live instances (Running, Pending, Suspended) and replays each,
/// offline, against this build's orchestrators: the registered <see cref="ITaskOrchestrator"/> wrapped by Microsoft's
/// <see cref="DurableTaskShimFactory"/> (as the worker runs it) and executed by DTFx's <see cref="TaskOrchestrationExecutor"/>
/// over an <see cref="OrchestrationRuntimeState"/> whose events are all past events. The executor only collects the
/// actions the code takes and matches them against the history; nothing is sent, no activity runs, nothing is written.
/// A <see cref="NonDeterministicOrchestrationException"/> (the executor turns it into a failed completion action) is a
/// divergence, as is a replay that fails the orchestration otherwise and a name this build does not register.
/// </summary>
public sealed class ReplayChecker
{
    private static readonly OrchestrationRuntimeStatus[] Live =
        [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Suspended];

    private readonly DurableTaskClient _client;
    private readonly IDurableTaskFactory _factory;
    private readonly DurableTaskShimFactory _shims;
    private readonly IServiceProvider _services;

    public ReplayChecker(DurableTaskClient client, IDurableTaskFactory factory, DurableTaskWorkerOptions workerOptions, IServiceProvider services, ILoggerFactory? loggerFactory = null)
    {
        _client = client;
        _factory = factory;
        _services = services;
        _shims = new DurableTaskShimFactory(workerOptions, loggerFactory ?? NullLoggerFactory.Instance);
    }

    /// <summary>
    /// The checker of a host's services: its <see cref="DurableTaskClient"/>, the orchestrators of its worker registry
    /// (<see cref="DurableTaskRegistry"/> options named <paramref name="workerName"/>, what AddTasks configures) and its
    /// worker options (data converter, versioning). Needs no running worker: Durable:Worker:Enabled may be false.
    /// </summary>
    public static ReplayChecker Create(IServiceProvider services, string? workerName = null)
    {
        var name = workerName ?? Options.DefaultName;
        var options = services.GetRequiredService<IOptionsMonitor<DurableTaskWorkerOptions>>().Get(name);
        // What Microsoft's AddDurableTaskWorker configures (the DataConverter service), also when no worker was added here.
        if (services.GetService<DataConverter>() is { } converter) options.DataConverter = converter;
        return new ReplayChecker(services.GetRequiredService<DurableTaskClient>(), BuildFactory(services, name), options, services,
            services.GetService<ILoggerFactory>());
    }

    // Microsoft's registry becomes a factory only inside a worker builder (BuildFactory is internal in 1.28): a builder
    // of a throw-away collection, built against our provider with a target that only keeps the factory.
    private static IDurableTaskFactory BuildFactory(IServiceProvider services, string name)
    {
        var builder = new ServiceCollection().AddDurableTaskWorker(name);
        builder.UseBuildTarget<FactoryHolder>();
        return ((FactoryHolder)builder.Build(services)).TaskFactory;
    }

    /// <summary>Replays the live instances of the hub (all, by prefix, or a random sample) and reports each.</summary>
    public async Task<ReplayReport> CheckAsync(ReplayCheckOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new ReplayCheckOptions();
        var query = new OrchestrationQuery { Statuses = Live, InstanceIdPrefix = options.InstanceIdPrefix, PageSize = 100, FetchInputsAndOutputs = false };
        var instances = new List<OrchestrationMetadata>();
        var seen = 0;
        await foreach (var instance in _client.GetAllInstancesAsync(query).WithCancellation(cancellation))
        {
            seen++;
            if (options.Sample is not { } n) instances.Add(instance);
            else if (instances.Count < n) instances.Add(instance);
            else if (Random.Shared.Next(seen) is var j && j < n) instances[j] = instance; // reservoir sample
        }

        var results = new List<ReplayResult>(instances.Count);
        foreach (var instance in instances.OrderBy(i => i.InstanceId, StringComparer.Ordinal))
        {
            var history = await _client.GetOrchestrationHistoryAsync(instance.InstanceId, cancellation);
            results.Add(Replay(instance.InstanceId, instance.Name, history));
        }
        return new ReplayReport(results);
    }

    /// <summary>Replays one instance's history (its latest execution) against this build's orchestrator <paramref name="name"/>.</summary>
    public ReplayResult Replay(string instanceId, string name, IList<HistoryEvent> history)
    {
        var started = history.OfType<ExecutionStartedEvent>().FirstOrDefault();
        var version = started?.Version;
        if (started is null) return new ReplayResult(instanceId, name, version, false); // not started yet: nothing recorded to diverge from
        name = started.Name ?? name;

        if (!_factory.TryCreateOrchestrator(new TaskName(name), _services, out var orchestrator) || orchestrator is null)
            return new ReplayResult(instanceId, name, version, true, started.EventId, Describe(started),
                $"No orchestrator named '{name}' is registered in this build.");

        foreach (var e in history) e.IsPlayed = false;
        var state = new OrchestrationRuntimeState(history);
        var executor = new TaskOrchestrationExecutor(state, _shims.CreateOrchestration(new TaskName(name), orchestrator), BehaviorOnContinueAsNew.Carryover);
        OrchestratorExecutionResult result;
        try
        {
            result = executor.Execute();
        }
        catch (Exception e)
        {
            return Diverged(e is NonDeterministicOrchestrationException ? e.Message : $"The replay threw {e.GetType().Name}: {e.Message}");
        }

        // The executor catches NonDeterministicOrchestrationException and fails the orchestration with it.
        var failed = result.Actions.OfType<OrchestrationCompleteOrchestratorAction>()
            .FirstOrDefault(a => a.OrchestrationStatus == OrchestrationStatus.Failed);
        if (failed is null) return new ReplayResult(instanceId, name, version, false);
        var nonDeterministic = (failed.FailureDetails?.ErrorType?.Contains(nameof(NonDeterministicOrchestrationException)) ?? false)
            || (failed.Details?.Contains(nameof(NonDeterministicOrchestrationException)) ?? false);
        if (!nonDeterministic && history.Any(e => e is ExecutionCompletedEvent { OrchestrationStatus: OrchestrationStatus.Failed }))
            return new ReplayResult(instanceId, name, version, false); // it failed then too
        return Diverged(nonDeterministic ? failed.Result ?? failed.FailureDetails?.ErrorMessage ?? "non-deterministic replay" : $"The replay fails the orchestration: {failed.FailureDetails?.ErrorMessage ?? failed.Result}");

        ReplayResult Diverged(string message)
        {
            // The executor marks each event it has applied; the first unplayed one is where the code parted from the history.
            var at = history.FirstOrDefault(e => !e.IsPlayed && e.EventType is not (EventType.OrchestratorStarted or EventType.OrchestratorCompleted));
            return new ReplayResult(instanceId, name, version, true, at?.EventId, at is null ? "(end of history)" : Describe(at), message);
        }
    }

    private static string Describe(HistoryEvent e) => e switch
    {
        TaskScheduledEvent t => $"TaskScheduled '{t.Name}'",
        SubOrchestrationInstanceCreatedEvent s => $"SubOrchestrationInstanceCreated '{s.Name}' ({s.InstanceId})",
        EventSentEvent s => $"EventSent '{s.Name}' to {s.InstanceId}",
        EventRaisedEvent r => $"EventRaised '{r.Name}'",
        TimerCreatedEvent t => $"TimerCreated (fires {t.FireAt:O})",
        ExecutionStartedEvent s => $"ExecutionStarted '{s.Name}'",
        _ => e.EventType.ToString(),
    };

    private sealed class FactoryHolder(string name, IDurableTaskFactory factory) : DurableTaskWorker(name, factory)
    {
        public IDurableTaskFactory TaskFactory => Factory;

        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
    }
}
