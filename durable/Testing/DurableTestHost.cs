using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Orchestrator.Durable.Testing;

/// <summary>
/// The engine on the in-memory store with a fake clock, driven explicitly: nothing runs in the background,
/// so tests are deterministic and weeks of timers pass in milliseconds.
/// </summary>
public sealed class DurableTestHost : IAsyncDisposable
{
    private DurableTestHost() => throw new NotImplementedException();

    public DurableTaskClient Client => throw new NotImplementedException();
    public FakeTimeProvider Clock => throw new NotImplementedException();
    public IServiceProvider Services => throw new NotImplementedException();

    public static Task<DurableTestHost> StartAsync(Action<DurableTaskRegistry> configure,
        Action<IServiceCollection>? configureServices = null, FakeTimeProvider? clock = null)
        => throw new NotImplementedException();

    /// <summary>Runs every episode and activity that is due at the current fake time until nothing is left.</summary>
    public Task RunUntilIdleAsync(CancellationToken ct = default) => throw new NotImplementedException();

    /// <summary>Moves the clock forward timer by timer, running what falls due at each step, then to now + delay.</summary>
    public Task AdvanceTimeAsync(TimeSpan delay, CancellationToken ct = default) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
