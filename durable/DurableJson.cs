using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;

namespace Orchestrator.Durable;

/// <summary>
/// The one JSON shape of every orchestration input, output, event payload and custom status: camelCase, enums as
/// strings. Worker and client both use <see cref="Converter"/>, so what the client writes the shims read.
/// </summary>
public static class DurableJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static DataConverter Converter { get; } = new JsonDataConverter(Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
