namespace Orchestrator.Durable.Replay;

/// <summary>
/// The <c>replay-check [--prefix P] [--sample N]</c> verb: replays the task hub's live instances against this build
/// (<see cref="ReplayChecker"/>), writes the report, and returns the exit status: 1 when any diverged, 2 on bad
/// arguments, else 0.
/// </summary>
public static class ReplayCheckCommand
{
    public const string Verb = "replay-check";

    /// <summary><paramref name="args"/> are the verb's own (after "replay-check"); unknown ones are left for configuration.</summary>
    public static async Task<int> RunAsync(ReplayChecker checker, IReadOnlyList<string> args, TextWriter output, CancellationToken cancellation = default)
    {
        if (!TryParse(args, out var options, out var error))
        {
            await output.WriteLineAsync($"replay-check: {error}. Usage: replay-check [--prefix P] [--sample N]");
            return 2;
        }
        var report = await checker.CheckAsync(options, cancellation);
        foreach (var line in report.Lines()) await output.WriteLineAsync(line);
        await output.FlushAsync(cancellation);
        return report.Diverged > 0 ? 1 : 0;
    }

    public static bool TryParse(IReadOnlyList<string> args, out ReplayCheckOptions options, out string? error)
    {
        string? prefix = null;
        int? sample = null;
        error = null;
        options = new ReplayCheckOptions();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--prefix" when i + 1 < args.Count:
                    prefix = args[++i];
                    break;
                case "--sample" when i + 1 < args.Count:
                    if (!int.TryParse(args[++i], out var n) || n <= 0) { error = $"--sample needs a positive number, not '{args[i]}'"; return false; }
                    sample = n;
                    break;
                case "--prefix" or "--sample":
                    error = $"{args[i]} needs a value";
                    return false;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains(':')) { if (!args[i].Contains('=')) i++; break; } // configuration (--Durable:X value)
                    error = $"unknown argument '{args[i]}'";
                    return false;
            }
        }
        options = new ReplayCheckOptions(prefix, sample);
        return true;
    }

    /// <summary>The arguments that are configuration (everything but the verb and its own options), for the host builder.</summary>
    public static string[] ConfigurationArgs(IReadOnlyList<string> args)
    {
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "--prefix" or "--sample") { i++; continue; }
            rest.Add(args[i]);
        }
        return [.. rest];
    }
}
