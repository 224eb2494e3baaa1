namespace Orchestrator.Tests.Shared;

/// <summary>
/// One private Azurite for the whole test assembly (started on first use, on free ports with data on disk, stopped when
/// the test process exits). xunit 2 has no assembly fixture and a collection fixture would serialise every class that
/// uses it, so this is a static lazy instance; tests isolate themselves by task hub and table names instead.
/// </summary>
public static class SharedAzurite
{
    private static readonly Lazy<Task<AzuriteInstance>> Instance = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<AzuriteInstance> GetAsync() => Instance.Value;

    public static async Task<string> ConnectionStringAsync() => (await GetAsync()).ConnectionString;

    /// <summary>A task hub name unique in the shared Azurite: a letter, then letters and digits (3-45 characters).</summary>
    public static string NewHubName(string prefix = "h") => prefix + Guid.NewGuid().ToString("N")[..14];

    private static async Task<AzuriteInstance> StartAsync()
    {
        var azurite = await AzuriteInstance.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.Dispose();
        return azurite;
    }
}
