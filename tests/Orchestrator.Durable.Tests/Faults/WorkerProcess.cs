using System.Diagnostics;
using System.Text;

namespace Orchestrator.Durable.Tests.Faults;

/// <summary>A fault-test worker (tests/Orchestrator.Durable.FaultWorker) running as a separate OS process.</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process) => _process = process;

    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int Id { get; private set; }

    /// <summary>Starts the worker and waits for its "ready" line.</summary>
    public static async Task<WorkerProcess> StartAsync(string connectionString, string hub, string logFile, FaultWorkerSettings settings)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(WorkerAssembly());
        info.ArgumentList.Add(connectionString);
        info.ArgumentList.Add(hub);
        foreach (var (name, value) in settings.Arguments(logFile))
        {
            info.ArgumentList.Add("--" + name);
            info.ArgumentList.Add(value);
        }
        info.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        process.Exited += (_, _) => worker._ready.TrySetException(new InvalidOperationException($"Worker exited before it was ready:\n{worker.Output}"));
        process.Start();
        worker.Id = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await worker._ready.Task.WaitAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
        return worker;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            if (_output.Length > 200_000) _output.Remove(0, 100_000);
            _output.AppendLine(line);
        }
        if (line.Contains("fault-worker: ready", StringComparison.Ordinal)) _ready.TrySetResult();
    }

    /// <summary>SIGKILL, as a crash: no shutdown, no lease release, nothing flushed by the worker.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        try { await KillAsync(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }

    /// <summary>The worker's build output beside this test assembly's (same configuration and target framework).</summary>
    private static string WorkerAssembly()
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = baseDir.Name;
        var configuration = baseDir.Parent!.Name;
        for (var dir = baseDir; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Orchestrator.Durable.FaultWorker", "bin", configuration, tfm, "Orchestrator.Durable.FaultWorker.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            "Orchestrator.Durable.FaultWorker.dll was not found next to the test build. Build the test project (it references the worker project).");
    }
}

/// <summary>The FaultWorker's command-line settings (see its Program.cs).</summary>
internal sealed record FaultWorkerSettings(
    int Partitions = FaultRun.PartitionCount,
    int PollMs = 500,
    int Activities = 8,
    int Orchestrations = 100,
    double LeaseSeconds = 9,
    double VisibilitySeconds = 20)
{
    public IEnumerable<(string, string)> Arguments(string logFile)
    {
        yield return ("log", logFile);
        yield return ("partitions", Partitions.ToString());
        yield return ("poll-ms", PollMs.ToString());
        yield return ("activities", Activities.ToString());
        yield return ("orchestrations", Orchestrations.ToString());
        yield return ("lease-seconds", LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("visibility-seconds", VisibilitySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
