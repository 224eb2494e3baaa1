namespace Orchestrator.Functions.Tests.Infrastructure;

/// <summary>
/// One real host on the shared Azurite (a task hub and lifecycle tables of its own) for the tests of a class; a small
/// body limit makes 413 cheap to provoke. Tests of the class isolate themselves by instance id.
/// </summary>
public sealed class AzuriteHostFixture : IAsyncLifetime
{
    public const int BodyLimit = 4096;

    public HostUnderTest Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await HostUnderTest.StartAsync(s => s["Management:MaxRequestBodyBytes"] = BodyLimit.ToString());

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
