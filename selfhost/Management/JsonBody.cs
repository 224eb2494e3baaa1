using System.Text.Json;
using Orchestrator.Api.Http;
using Orchestrator.Api.Problems;

namespace Orchestrator.SelfHost.Management;

/// <summary>A request body read as JSON within the configured size limit: either a value (null for an empty body) or a problem.</summary>
internal readonly record struct JsonBody(JsonElement? Value, IResult? Problem)
{
    public static async Task<JsonBody> ReadAsync(HttpRequest request, long limit, string what, CancellationToken ct)
    {
        if (await BoundedRequestBody.ReadAsync(request, limit, ct) is not { } bytes) return new(null, Api.Problems.Problems.PayloadTooLarge(limit, what));
        if (bytes.Span.Trim(" \t\r\n"u8).IsEmpty) return new(null, null);
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            return document.RootElement.ValueKind == JsonValueKind.Null ? new(null, null) : new(document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return new(null, Api.Problems.Problems.BadRequest("invalid-json", "Malformed JSON",
                $"The {what} is not valid JSON: {ex.Message} Send a JSON value (an object, array, string in quotes, number, true/false or null) with Content-Type: application/json, or an empty body for no {what}.",
                "body"));
        }
    }
}
