using Orchestrator.Orchestrations.Calendar;
using Orchestrator.Orchestrations.DomainData;

namespace Orchestrator.Orchestrations.Tests.Support;

/// <summary>The shipped data (copied beside the test binaries) and helpers for bad-data files.</summary>
public static class TestData
{
    public static string DataPath => DomainDataPaths.DefaultDataPath;

    private static readonly Lazy<WorkingCalendar> LazyCalendar = new(() => WorkingCalendarLoader.LoadFolder(DomainDataPaths.CalendarFolder(DataPath)));

    /// <summary>The shipped 2025 and 2026 calendar.</summary>
    public static WorkingCalendar ShippedCalendar => LazyCalendar.Value;

    public static DateOnly D(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd");

    /// <summary>An instant given in Beijing time ("2026-02-13 10:00").</summary>
    public static DateTimeOffset Bj(string s) => DateTimeOffset.ParseExact(s + " +08:00", "yyyy-MM-dd HH:mm zzz", null).ToUniversalTime();

    public static MemoryStream Stream(string text) => new(System.Text.Encoding.UTF8.GetBytes(text));
}

/// <summary>A temporary folder removed at dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "orch-domain-" + Guid.NewGuid().ToString("N"));
    public string Write(string relative, string text)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}
