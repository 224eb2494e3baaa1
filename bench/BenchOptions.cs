using System.Globalization;

namespace Orchestrator.Bench;

/// <summary>The bench's command line.</summary>
internal sealed record BenchOptions
{
    public string Scenario { get; init; } = "hello5";
    public int Count { get; init; } = 1000;
    public int Workers { get; init; } = 1;
    public int Partitions { get; init; } = 4;
    public int MaxOrchestrations { get; init; } = 100;
    public int MaxActivities { get; init; } = 20;
    public int PollingMs { get; init; } = 1000;
    public bool ExtendedSessions { get; init; }
    public int ControlQueueBatchSize { get; init; } = 32;
    public int Warmup { get; init; } = 20;
    public string? Connection { get; init; }
    public string? Hub { get; init; }
    public int Projects { get; init; } = 100_000;
    /// <summary>Seeded projects that also get their ProjectDetails partition (the project read); all get project and index rows.</summary>
    public int DetailProjects { get; init; } = 10_000;
    public int Lifecycles { get; init; } = 50;
    public int Decisions { get; init; } = 200;
    /// <summary>Naive instances created (DTFx on Azurite creates a few per second) and the size their figure is scaled to.</summary>
    public int NaiveProjects { get; init; } = 10_000;
    public int NaiveTarget { get; init; } = 10_000;
    /// <summary>scale: the lifecycle's tables (the read model) on a storage account of their own (a second private Azurite), not the task hub's.</summary>
    public bool OwnReadModelAccount { get; init; } = true;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--scenario" => o with { Scenario = Next() },
                "--count" => o with { Count = Int() },
                "--workers" => o with { Workers = Int() },
                "--partitions" => o with { Partitions = Int() },
                "--orchestrations" => o with { MaxOrchestrations = Int() },
                "--activities" => o with { MaxActivities = Int() },
                "--polling-ms" => o with { PollingMs = Int() },
                "--extended-sessions" => o with { ExtendedSessions = bool.Parse(Next()) },
                "--batch" => o with { ControlQueueBatchSize = Int() },
                "--warmup" => o with { Warmup = Int() },
                "--connection" => o with { Connection = Next() },
                "--hub" => o with { Hub = Next() },
                "--projects" => o with { Projects = Int() },
                "--detail-projects" => o with { DetailProjects = Int() },
                "--lifecycles" => o with { Lifecycles = Int() },
                "--decisions" => o with { Decisions = Int() },
                "--naive" => o with { NaiveProjects = Int() },
                "--read-model-account" => o with { OwnReadModelAccount = Next() switch { "own" => true, "engine" => false, var v => throw new ArgumentException($"--read-model-account {v}: use own or engine.") } },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'."),
            };
        }
        if (o.Scenario == "fanout1000" && !args.Contains("--count")) o = o with { Count = 1, Warmup = 1 };
        return o;
    }
}
