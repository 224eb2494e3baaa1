using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Orchestrator.SelfHost.Dashboard;

/// <summary>The page's files, embedded in the assembly (Dashboard/wwwroot/*): no CDN, nothing fetched from outside.</summary>
public sealed class DashboardAssets
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private readonly ConcurrentDictionary<string, Asset?> _cache = new(StringComparer.Ordinal);

    private sealed record Asset(byte[] Content, string ContentType, string ETag);

    public IResult Serve(HttpContext context, string file)
    {
        var asset = _cache.GetOrAdd(file, Load);
        if (asset is null)
        {
            return Api.Problems.Problems.NotFound("not-found", "No such file", $"The dashboard has no file '{file}'. Open /dashboard.");
        }
        var headers = context.Response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.CacheControl] = "no-cache";
        headers[HeaderNames.ETag] = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static Asset? Load(string file)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream("Dashboard/" + file);
        if (stream is null) return null;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        var type = System.IO.Path.GetExtension(file) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => "application/octet-stream",
        };
        return new Asset(bytes, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
    }
}
