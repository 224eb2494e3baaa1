using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Orchestrator.Tests.Shared;

/// <summary>
/// A private Azurite (Azure Storage emulator) process for tests: loopback only, free ports, data on disk in a
/// folder of its own under the system temp directory. On-disk data (never --inMemoryPersistence) because the
/// in-memory mode stalls all services for seconds after a few thousand queue deletes, and because restart
/// tests need the data to survive the process.
/// </summary>
public sealed partial class AzuriteInstance : IAsyncDisposable, IDisposable
{
    // The well-known development account: Azurite accepts only this account unless configured otherwise.
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _binary;
    private readonly bool _ownsDataFolder;
    private readonly object _gate = new();
    private readonly StringBuilder _output = new();
    private Process? _process;
    private int _blobPort, _queuePort, _tablePort;

    private AzuriteInstance(string binary, string dataFolder, bool ownsDataFolder)
    {
        _binary = binary;
        DataFolder = dataFolder;
        _ownsDataFolder = ownsDataFolder;
    }

    /// <summary>The on-disk workspace Azurite keeps its data in; it survives <see cref="StopAsync"/>.</summary>
    public string DataFolder { get; }

    public int BlobPort => _blobPort;
    public int QueuePort => _queuePort;
    public int TablePort => _tablePort;

    /// <summary>OS process id of the running Azurite (node), or null when stopped.</summary>
    public int? ProcessId
    {
        get { lock (_gate) return _process is { HasExited: false } p ? p.Id : null; }
    }

    public bool IsRunning
    {
        get { lock (_gate) return _process is { HasExited: false }; }
    }

    /// <summary>A connection string for the three services; stays the same across <see cref="RestartAsync"/>.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{_blobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{_queuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{_tablePort}/{AccountName};";

    /// <summary>Starts Azurite on free loopback ports with a fresh data folder.</summary>
    public static async Task<AzuriteInstance> StartAsync(CancellationToken cancellationToken = default)
    {
        var binary = FindBinary();
        var folder = Path.Combine(Path.GetTempPath(), "orchestrator-azurite", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var instance = new AzuriteInstance(binary, folder, ownsDataFolder: true);
        try
        {
            await instance.LaunchAsync(fixedPorts: false, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return instance;
    }

    /// <summary>
    /// Stops Azurite; the data folder is kept. Graceful by default (SIGTERM, then wait): Azurite keeps table and
    /// queue metadata in LokiJS databases that it saves to disk every few seconds and on shutdown, so a hard kill
    /// loses acknowledged writes, which real Azure Storage never does. Pass <paramref name="kill"/> to crash it anyway.
    /// </summary>
    public async Task StopAsync(bool kill = false)
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
            _process = null;
        }
        if (process is null) return;
        try
        {
            if (!process.HasExited)
            {
                if (!kill && !RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && SysKill(process.Id, SigTerm) == 0)
                {
                    try
                    {
                        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        process.Kill(entireProcessTree: true);
                    }
                }
                else
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Starts again on the same ports and the same data folder, so clients keep their connection string.</summary>
    public async Task RestartAsync(bool kill = false, CancellationToken cancellationToken = default)
    {
        await StopAsync(kill).ConfigureAwait(false);
        // The kernel may hold the ports briefly after the kill; retry for a while rather than fail the test.
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                await LaunchAsync(fixedPorts: true, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public string RecentOutput
    {
        get { lock (_output) return _output.ToString(); }
    }

    private async Task LaunchAsync(bool fixedPorts, CancellationToken cancellationToken)
    {
        // Port 0 lets the OS pick free ports atomically (no probe-then-bind race with parallel test runs);
        // Azurite prints the port it actually bound, which is parsed below.
        var info = new ProcessStartInfo
        {
            FileName = _binary,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataFolder,
        };
        foreach (var arg in new[]
                 {
                     "--location", DataFolder, "--disableTelemetry", "--skipApiVersionCheck", "--silent",
                     "--blobHost", "127.0.0.1", "--blobPort", (fixedPorts ? _blobPort : 0).ToString(),
                     "--queueHost", "127.0.0.1", "--queuePort", (fixedPorts ? _queuePort : 0).ToString(),
                     "--tableHost", "127.0.0.1", "--tablePort", (fixedPorts ? _tablePort : 0).ToString(),
                 })
        {
            info.ArgumentList.Add(arg);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ports = new Dictionary<string, int>();
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (_output)
            {
                if (_output.Length > 64_000) _output.Remove(0, 32_000);
                _output.AppendLine(line);
            }
            var match = ListeningLine().Match(line);
            if (!match.Success) return;
            lock (ports)
            {
                ports[match.Groups[1].Value] = int.Parse(match.Groups[2].Value);
                if (ports.Count == 3) ready.TrySetResult();
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException(
            $"Azurite exited during start-up (code {SafeExitCode(process)}). Output:\n{RecentOutput}"));

        if (!process.Start())
            throw new InvalidOperationException($"Could not start Azurite from '{_binary}'.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_gate) _process = process;

        try
        {
            await ready.Task.WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await StopAsync(kill: true).ConfigureAwait(false);
            throw new TimeoutException($"Azurite did not listen on all three services within {StartTimeout}. Output:\n{RecentOutput}");
        }
        catch (InvalidOperationException)
        {
            await StopAsync(kill: true).ConfigureAwait(false);
            throw;
        }

        _blobPort = ports["Blob"];
        _queuePort = ports["Queue"];
        _tablePort = ports["Table"];
        await WaitForTcpAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitForTcpAsync(CancellationToken cancellationToken)
    {
        foreach (var port in new[] { _blobPort, _queuePort, _tablePort })
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
        }
    }

    private static int? SafeExitCode(Process process)
    {
        try { return process.ExitCode; } catch (InvalidOperationException) { return null; }
    }

    /// <summary>
    /// AZURITE_BIN wins; otherwise walk up from the test assembly to the repository folder that holds package.json
    /// and node_modules/.bin/azurite (installed by `npm install`, which the test command runs).
    /// </summary>
    internal static string FindBinary()
    {
        var fromEnv = Environment.GetEnvironmentVariable("AZURITE_BIN");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            if (!File.Exists(fromEnv))
                throw new InvalidOperationException($"AZURITE_BIN points at '{fromEnv}', which does not exist.");
            return fromEnv;
        }

        var name = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "azurite.cmd" : "azurite";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "package.json"))) continue;
            var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            "Azurite was not found: no folder above the test assembly has package.json and node_modules/.bin/azurite. " +
            "Run `npm install` in the repository root (the test command does this), or set AZURITE_BIN to the azurite executable.");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(kill: true).ConfigureAwait(false);
        if (_ownsDataFolder)
        {
            try { Directory.Delete(DataFolder, recursive: true); }
            catch (IOException) { /* A file still held open is left for the OS temp clean-up. */ }
            catch (UnauthorizedAccessException) { }
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at https?://[^:]+:(\d+)")]
    private static partial Regex ListeningLine();
}
