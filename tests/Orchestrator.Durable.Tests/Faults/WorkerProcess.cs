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
    public int Id => _process.Id;

    public static async Task<WorkerProcess> StartAsync(string connection, string hub, string? crashAt = null, int crashAfter = 1, bool local = true)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(WorkerAssembly());
        info.Environment["FAULT_CONNECTION"] = connection;
        info.Environment["FAULT_HUB"] = hub;
        info.Environment["FAULT_LOCAL"] = local ? "true" : "false";
        // A FailFast should not leave a core dump per test.
        info.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        if (crashAt is not null)
        {
            info.Environment["FAULT_CRASH_AT"] = crashAt;
            info.Environment["FAULT_CRASH_AFTER"] = crashAfter.ToString();
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        process.Exited += (_, _) => worker._ready.TrySetException(new InvalidOperationException($"Worker exited before it was ready:\n{worker.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await worker._ready.Task.WaitAsync(TimeSpan.FromSeconds(90));
        return worker;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line.Contains("fault-worker: ready", StringComparison.Ordinal)) _ready.TrySetResult();
    }

    /// <summary>Waits for the process to end by itself (an injected crash); false on timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Kills the process as a crash would (no shutdown).</summary>
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
            "Orchestrator.Durable.FaultWorker.dll was not found next to the test build. Build the solution (the test project references the worker project).");
    }
}
