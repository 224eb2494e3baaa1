namespace Orchestrator.Tests.Shared;

/// <summary>
/// One private Azurite per test collection (xunit collection fixture): starting Azurite takes about a second,
/// so the tests of a class or collection share it and isolate themselves by task hub name instead.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteInstance? _azurite;

    public AzuriteInstance Azurite => _azurite ?? throw new InvalidOperationException("Azurite fixture not initialised.");

    public string ConnectionString => Azurite.ConnectionString;

    /// <summary>A task hub name unique within this Azurite (letters and digits only, as table names require).</summary>
    public static string NewHubName(string prefix = "t") =>
        prefix + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync() => _azurite = await AzuriteInstance.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}

/// <summary>Test classes marked [Collection(AzuriteCollection.Name)] share one Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
