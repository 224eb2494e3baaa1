using System.Text;

namespace Orchestrator.Durable.FaultWorker;

/// <summary>
/// One append-only file per process, one line per write, flushed to the OS at once: a SIGKILL loses nothing written
/// (the page cache outlives the process), and no fsync keeps it cheap. No file: writes are dropped.
/// </summary>
public static class StepLog
{
    private static readonly object Gate = new();
    private static FileStream? _file;

    public static void Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
    }

    public static void Write(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (Gate)
        {
            if (_file is null) return;
            _file.Write(bytes);
            _file.Flush(flushToDisk: false);
        }
    }

    public static void Close()
    {
        lock (Gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }
}
