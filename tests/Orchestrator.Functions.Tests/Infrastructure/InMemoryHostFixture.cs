namespace Orchestrator.Functions.Tests.Infrastructure;

/// <summary>One in-memory host shared by the tests of a class; a small body limit makes 413 cheap to provoke.</summary>
public sealed class InMemoryHostFixture : IAsyncLifetime
{
    public const int BodyLimit = 4096;

    public HostUnderTest Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await HostUnderTest.StartAsync(s => s["Management:MaxRequestBodyBytes"] = BodyLimit.ToString());

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
