using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using DurableTask.Core.History;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Orchestrator.Durable.Client;

/// <summary>
/// DTFx's Azure Storage client returns history as a JSON array written by Newtonsoft without type names; each
/// event says its <see cref="EventType"/>, which maps it back to its <see cref="HistoryEvent"/> class.
/// </summary>
internal static class HistoryEventJson
{
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(new JsonSerializerSettings
    {
        // History event classes keep private parameterless constructors for exactly this.
        ConstructorHandling = ConstructorHandling.AllowNonPublicDefaultConstructor,
        DateTimeZoneHandling = DateTimeZoneHandling.Utc,
        TypeNameHandling = TypeNameHandling.None,
    });

    private static readonly FrozenDictionary<EventType, Type> Types = typeof(HistoryEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(HistoryEvent)) && !t.IsAbstract)
        .Select(t => (Type: t, Sample: TryCreateSample(t)))
        .Where(x => x.Sample is not null)
        .GroupBy(x => x.Sample!.EventType)
        .ToFrozenDictionary(g => g.Key, g => g.First().Type);

    public static IList<HistoryEvent> Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        var events = new List<HistoryEvent>();
        foreach (var token in JArray.Parse(json))
        {
            if (token is not JObject item || item["EventType"] is not { } typeToken) continue;
            var eventType = typeToken.Type == JTokenType.String
                ? Enum.Parse<EventType>(typeToken.Value<string>()!)
                : (EventType)typeToken.Value<int>();
            if (Types.TryGetValue(eventType, out var type) && item.ToObject(type, Serializer) is HistoryEvent e)
                events.Add(e);
        }
        return events;
    }

    // Only to read its EventType, which every concrete event returns as a constant: no constructor needed.
    private static HistoryEvent? TryCreateSample(Type type) =>
        type.ContainsGenericParameters ? null : RuntimeHelpers.GetUninitializedObject(type) as HistoryEvent;
}
