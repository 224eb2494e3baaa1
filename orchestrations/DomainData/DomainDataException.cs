namespace Orchestrator.Orchestrations.DomainData;

/// <summary>
/// Bad domain data (calendar, catalog, zones): thrown at load time, naming the file, the line or item,
/// and what is wrong, so an operator can fix the file without reading code.
/// </summary>
public sealed class DomainDataException : Exception
{
    public DomainDataException(string file, string location, string problem, Exception? inner = null)
        : base($"{file}: {location}: {problem}", inner)
    {
        File = file;
        Location = location;
        Problem = problem;
    }

    /// <summary>The file (or stream name) that holds the bad data.</summary>
    public string File { get; }

    /// <summary>Where in the file: "line 12" or an item such as "items[3] (S1-ENERGY)".</summary>
    public string Location { get; }

    /// <summary>What is wrong, in words.</summary>
    public string Problem { get; }
}
