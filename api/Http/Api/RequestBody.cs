using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Http.Api;

/// <summary>A request body read as one JSON object of type <typeparamref name="T"/>: either the value or the problem to answer.</summary>
public readonly record struct RequestBody<T>(T? Value, IResult? Problem) where T : class;

/// <summary>
/// Reads /api request bodies within Api:MaxRequestBodyBytes (413 beyond, before anything is parsed or stored),
/// refuses malformed JSON (400 invalid-json) and answers wrong types or unknown members as field errors
/// (400 validation naming the JSON path, e.g. <c>tolerance[0].itemCode</c>).
/// </summary>
public static partial class RequestBodies
{
    /// <summary>Web defaults (camelCase, case-insensitive names), unknown members refused so typos are reported.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 32,
    };

    public static async Task<RequestBody<T>> ReadAsync<T>(HttpContext context, CancellationToken ct, bool allowEmpty = false) where T : class
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBodyBytes;
        if (await BoundedRequestBody.ReadAsync(context.Request, limit, ct) is not { } bytes) return new(null, ApiProblems.PayloadTooLarge(limit));
        if (bytes.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return allowEmpty
                ? new(null, null)
                : new(null, ApiProblems.Field("body", "A JSON object is required.", "The request has no body; send a JSON object with Content-Type: application/json."));
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return new(null, ApiProblems.MalformedJson(ex.Message));
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new(null, ApiProblems.Field("body", $"Must be a JSON object, not {Describe(root.ValueKind)}."));
        }

        try
        {
            var value = root.Deserialize<T>(Options);
            return value is null ? new(null, ApiProblems.Field("body", "A JSON object is required.")) : new(value, null);
        }
        catch (JsonException ex)
        {
            var (field, message) = Explain(ex);
            return new(null, ApiProblems.Field(field, message));
        }
    }

    /// <summary>The field (JSON path without "$.") and a message a person understands.</summary>
    internal static (string Field, string Message) Explain(JsonException ex)
    {
        var text = ex.Message;
        var unmapped = UnmappedMember().Match(text);
        if (unmapped.Success)
        {
            var name = unmapped.Groups[1].Value;
            var path = FieldOf(ex.Path);
            var field = path == "body" ? name : path.EndsWith(name, StringComparison.Ordinal) ? path : $"{path}.{name}";
            return (field, $"'{name}' is not a field of this request; check its spelling (the OpenAPI document at /openapi/v1.json lists the fields).");
        }
        var conversion = ConvertTo().Match(text);
        var expected = conversion.Success ? Expected(conversion.Groups[1].Value) : "a value of another type";
        return (FieldOf(ex.Path), $"Must be {expected}.");
    }

    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "body";
        var p = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return p.Length == 0 ? "body" : p;
    }

    private static string Expected(string type)
    {
        var t = type.Trim();
        if (t.StartsWith("System.Nullable`1[", StringComparison.Ordinal)) t = t["System.Nullable`1[".Length..].TrimEnd(']');
        return t switch
        {
            "System.Decimal" or "System.Double" or "System.Single" => "a number",
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Boolean" => "true or false",
            "System.String" => "a string",
            "System.DateOnly" => "a date such as 2026-03-02",
            "System.DateTimeOffset" or "System.DateTime" => "a date and time such as 2026-03-02T09:00:00+08:00",
            _ when t.Contains("List", StringComparison.Ordinal) || t.EndsWith("[]", StringComparison.Ordinal) => "an array",
            _ => "an object of the documented shape",
        };
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnmappedMember();

    [GeneratedRegex("could not be converted to ([^.\\s][^ ]*?)\\. Path")]
    private static partial Regex ConvertTo();
}
