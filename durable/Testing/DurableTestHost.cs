using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Durable.Client;
using Orchestrator.Durable.InMemory;
using Orchestrator.Durable.Storage;
using Orchestrator.Durable.Worker;

namespace Orchestrator.Durable.Testing;

/// <summary>
/// The engine on the in-memory store with a fake clock, driven explicitly: nothing runs in the background, so
/// tests are deterministic and months of timers pass in milliseconds. Same engine code as production except
/// the store; work runs one item at a time in queue order.
/// </summary>
public sealed class DurableTestHost : IAsyncDisposable
{
    /// <summary>Default start of the fake clock.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int MaxRounds = 1_000_000;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ServiceProvider _provider = null!;
    private DurableTaskWorker _worker = null!;

    private DurableTestHost(FakeTimeProvider clock) => Clock = clock;

    /// <summary>The client; its WaitForInstanceCompletionAsync runs the host until idle instead of polling.</summary>
    public DurableTaskClient Client { get; private set; } = null!;
    public FakeTimeProvider Clock { get; }
    public IServiceProvider Services => _provider;
    internal InMemoryOrchestrationStore Store { get; private set; } = null!;

    /// <param name="configure">Orchestrators and activities.</param>
    /// <param name="configureServices">Extra services for activities, or DurableTaskOptions tweaks (the backend stays InMemory).</param>
    /// <param name="clock">Default: a fake clock at <see cref="DefaultStart"/>.</param>
    public static Task<DurableTestHost> StartAsync(Action<DurableTaskRegistry> configure,
        Action<IServiceCollection>? configureServices = null, FakeTimeProvider? clock = null)
    {
        var host = new DurableTestHost(clock ?? new FakeTimeProvider(DefaultStart));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(host.Clock);
        services.AddDurableTask(configure);
        configureServices?.Invoke(services);
        services.PostConfigure<DurableTaskOptions>(o =>
        {
            o.Backend = DurableTaskOptions.InMemoryBackend;
            o.Worker.Enabled = false; // the host drives the worker itself
        });
        services.TryAddSingleton<StoreDurableTaskClient>();
        services.Replace(ServiceDescriptor.Singleton<DurableTaskClient>(sp => new HostClient(sp.GetRequiredService<StoreDurableTaskClient>(), host)));
        host._provider = services.BuildServiceProvider();
        host.Store = (InMemoryOrchestrationStore)host._provider.GetRequiredService<IOrchestrationStore>();
        host._worker = host._provider.GetRequiredService<DurableTaskWorker>();
        host.Client = host._provider.GetRequiredService<DurableTaskClient>();
        return Task.FromResult(host);
    }

    /// <summary>Runs every episode and activity that is due at the current fake time, until nothing is left.</summary>
    public async Task RunUntilIdleAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await RunUntilIdleCoreAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RunUntilIdleCoreAsync(CancellationToken ct)
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            var activities = await _worker.RunActivitiesSequentiallyAsync(100, ct).ConfigureAwait(false);
            var wakeUps = await _worker.RunWakeUpsSequentiallyAsync(100, ct).ConfigureAwait(false);
            if (activities + wakeUps > 0)
                continue;
            if (await _worker.SweepAsync(ct).ConfigureAwait(false) == 0)
                return;
        }
        throw new InvalidOperationException("The durable test host did not become idle: some instance keeps producing work at the same instant.");
    }

    /// <summary>
    /// Moves the clock forward to each moment something falls due (timer, delayed start, retry), running what
    /// is due there, in order, and finally to now + <paramref name="delay"/>.
    /// </summary>
    public async Task AdvanceTimeAsync(TimeSpan delay, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var target = Clock.GetUtcNow() + delay;
            await RunUntilIdleCoreAsync(ct).ConfigureAwait(false);
            while (Store.GetNextDueTime(Clock.GetUtcNow()) is { } next && next <= target)
            {
                Clock.SetUtcNow(next);
                await RunUntilIdleCoreAsync(ct).ConfigureAwait(false);
            }
            if (target > Clock.GetUtcNow())
                Clock.SetUtcNow(target);
            await RunUntilIdleCoreAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    /// <summary>The store client, except that waiting runs the host instead of polling the (fake) clock.</summary>
    private sealed class HostClient(StoreDurableTaskClient inner, DurableTestHost host) : DurableTaskClient
    {
        public override Task<string> ScheduleNewOrchestrationInstanceAsync(string name, object? input = null, StartOrchestrationOptions? options = null, CancellationToken ct = default)
            => inner.ScheduleNewOrchestrationInstanceAsync(name, input, options, ct);
        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, RaiseEventOptions? options = null, CancellationToken ct = default)
            => inner.RaiseEventAsync(instanceId, eventName, eventPayload, options, ct);
        public override Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken ct = default)
            => inner.GetInstanceAsync(instanceId, getInputsAndOutputs, ct);
        public override Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken ct = default)
            => inner.GetHistoryAsync(instanceId, ct);
        public override Task<OrchestrationQueryResult> QueryInstancesAsync(OrchestrationQuery query, CancellationToken ct = default)
            => inner.QueryInstancesAsync(query, ct);
        public override Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken ct = default)
            => inner.TerminateInstanceAsync(instanceId, output, ct);
        public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken ct = default)
            => inner.SuspendInstanceAsync(instanceId, reason, ct);
        public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken ct = default)
            => inner.ResumeInstanceAsync(instanceId, reason, ct);
        public override Task<string> RestartInstanceAsync(string instanceId, bool restartWithNewInstanceId = false, CancellationToken ct = default)
            => inner.RestartInstanceAsync(instanceId, restartWithNewInstanceId, ct);
        public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken ct = default)
            => inner.PurgeInstanceAsync(instanceId, ct);
        public override Task<PurgeResult> PurgeInstancesAsync(PurgeInstancesFilter filter, CancellationToken ct = default)
            => inner.PurgeInstancesAsync(filter, ct);

        /// <summary>Runs the host until idle; if the instance still has not ended, says what it waits for instead of hanging.</summary>
        public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken ct = default)
        {
            var metadata = await inner.GetInstanceAsync(instanceId, getInputsAndOutputs, ct).ConfigureAwait(false)
                ?? throw new OrchestrationNotFoundException(instanceId);
            if (metadata.IsCompleted)
                return metadata;
            await host.RunUntilIdleAsync(ct).ConfigureAwait(false);
            metadata = await inner.GetInstanceAsync(instanceId, getInputsAndOutputs, ct).ConfigureAwait(false)
                ?? throw new OrchestrationNotFoundException(instanceId);
            if (metadata.IsCompleted)
                return metadata;
            var waitsFor = metadata.NextWakeAt is { } at ? $"a timer at {at:O} (call AdvanceTimeAsync)" : "an external event or another instance";
            throw new InvalidOperationException(
                $"Orchestration '{instanceId}' is {metadata.RuntimeStatus} with nothing left to run at {host.Clock.GetUtcNow():O}; it waits for {waitsFor}.");
        }
    }
}
