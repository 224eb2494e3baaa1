using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Orchestrator.Functions.Problems;

namespace Orchestrator.Functions.Management;

/// <summary>A request body read as JSON within the configured size limit: either a value (null for an empty body) or a problem.</summary>
internal readonly record struct JsonBody(JsonElement? Value, IResult? Problem)
{
    public static async Task<JsonBody> ReadAsync(HttpRequest request, long limit, string what, CancellationToken ct)
    {
        if (request.ContentLength > limit) return new(null, Problems.Problems.PayloadTooLarge(limit, what));
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limit;

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit) return new(null, Problems.Problems.PayloadTooLarge(limit, what));
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(null, Problems.Problems.PayloadTooLarge(limit, what));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.Trim(" \t\r\n"u8).IsEmpty) return new(null, null);
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            return document.RootElement.ValueKind == JsonValueKind.Null ? new(null, null) : new(document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return new(null, Problems.Problems.BadRequest("invalid-json", "Malformed JSON",
                $"The {what} is not valid JSON: {ex.Message} Send a JSON value (an object, array, string in quotes, number, true/false or null) with Content-Type: application/json, or an empty body for no {what}.",
                "body"));
        }
    }
}
