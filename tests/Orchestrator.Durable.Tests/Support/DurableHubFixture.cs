using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Durable.Tests.Support;

/// <summary>One private Azurite and one started host (worker + client) on a task hub of its own, per test class.</summary>
public sealed class DurableHubFixture : IAsyncLifetime
{
    private AzuriteInstance? _azurite;
    private IHost? _host;

    public DurableTaskClient Client => _host!.Client();

    internal IServiceProvider Services => _host!.Services;

    public string HubName { get; } = AzuriteFixture.NewHubName("dt");

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteInstance.StartAsync();
        _host = DurableTestHost.Build(_azurite.ConnectionString, HubName);
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
            _host.Dispose();
        }
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
