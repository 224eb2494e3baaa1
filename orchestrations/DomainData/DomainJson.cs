using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Orchestrations.DomainData;

/// <summary>Shared JSON reading for the domain data files: strict, with line numbers on syntax errors.</summary>
public static class DomainJson
{
    /// <summary>Options used to read data files (camelCase, comments and trailing commas allowed, enums as strings).</summary>
    public static JsonSerializerOptions FileOptions { get; } = CreateFileOptions();

    /// <summary>
    /// The JSON of orchestration inputs, outputs, custom status, events and the lifecycle's table rows: web defaults
    /// (camelCase) with enums as strings. The host gives it to the engine's data converter, so one shape is everywhere.
    /// </summary>
    public static JsonSerializerOptions Wire { get; } = CreateWireOptions();

    /// <summary>
    /// <see cref="Wire"/> compacted for rows kept at scale (the read model): nulls left out and Chinese text written as itself,
    /// not as \uXXXX escapes. <see cref="Wire"/> reads it back (a missing property is null).
    /// </summary>
    public static JsonSerializerOptions Stored { get; } = CreateStoredOptions();

    private static JsonSerializerOptions CreateStoredOptions()
    {
        var o = new JsonSerializerOptions(Wire)
        {
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
        };
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    private static JsonSerializerOptions CreateWireOptions()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        o.Converters.Add(new JsonStringEnumConverter());
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    private static JsonSerializerOptions CreateFileOptions()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>Reads a whole data file into <typeparamref name="T"/>; a syntax or type error becomes a <see cref="DomainDataException"/> naming the line.</summary>
    public static T Read<T>(Stream stream, string sourceName) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(stream, FileOptions)
                   ?? throw new DomainDataException(sourceName, "line 1", "the file is empty (null)");
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber is long l ? $"line {l + 1}" : "unknown line";
            var path = string.IsNullOrEmpty(ex.Path) ? "" : $" at {ex.Path}";
            throw new DomainDataException(sourceName, line, $"invalid JSON{path}: {FirstSentence(ex.Message)}", ex);
        }
    }

    /// <summary>Opens and reads a data file by path.</summary>
    public static T ReadFile<T>(string path) where T : class
    {
        if (!File.Exists(path))
            throw new DomainDataException(path, "file", "the file does not exist");
        using var stream = File.OpenRead(path);
        return Read<T>(stream, path);
    }

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }
}
