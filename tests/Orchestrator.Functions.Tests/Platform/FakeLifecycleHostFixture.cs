using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Functions.Tests.Infrastructure;
using Orchestrator.Orchestrations;
using Orchestrator.Orchestrations.Catalog;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Functions.Tests.Platform;

/// <summary>The real host (DTFx on the shared Azurite) with the lifecycle replaced by <see cref="FakeLifecycle"/>; a 2 KiB body limit.</summary>
public sealed class FakeLifecycleHostFixture : IAsyncLifetime
{
    public const int BodyLimit = 2048;

    public HostUnderTest Host { get; private set; } = null!;
    public FakeLifecycle Lifecycle { get; } = new();

    public async Task InitializeAsync() =>
        Host = await HostUnderTest.StartAsync(s =>
        {
            PlatformKeys.Add(s);
            s["Api:MaxRequestBodyBytes"] = BodyLimit.ToString();
            s["Api:MaxPageSize"] = "20";
            s["Api:DefaultPageSize"] = "10";
        }, builder =>
        {
            if (!builder.Services.Any(d => d.ServiceType == typeof(ApprovalCatalog))) builder.Services.AddApprovalDomain(builder.Configuration);
            builder.Services.RemoveAll<IProjectCommands>();
            builder.Services.RemoveAll<IProjectQueries>();
            builder.Services.AddSingleton<IProjectCommands>(Lifecycle);
            builder.Services.AddSingleton<IProjectQueries>(Lifecycle);
        });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
