namespace Orchestrator.SelfHost.Hosting;

/// <summary>Section "Host": where the HTTP server listens and how it names itself in the URIs it returns.</summary>
public sealed class HostingOptions
{
    public const string SectionName = "Host";
    public const string DefaultUrls = "http://127.0.0.1:7071";

    /// <summary>';'-separated URLs to listen on. Default http://127.0.0.1:7071 (loopback only).</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>Base URL used in returned management URIs; empty means the request's own scheme and host.</summary>
    public string? PublicBaseUrl { get; set; }

    internal IEnumerable<string> Validate()
    {
        var urls = (Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0) yield return "Host:Urls is empty; give at least one URL such as http://127.0.0.1:7071.";
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("*", "localhost").Replace("+", "localhost"), UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                yield return $"Host:Urls contains '{url}', which is not an http(s) URL such as http://127.0.0.1:7071.";
            }
        }
        if (!string.IsNullOrWhiteSpace(PublicBaseUrl)
            && (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return $"Host:PublicBaseUrl '{PublicBaseUrl}' is not an absolute http(s) URL; leave it empty to use the request's own host.";
        }
    }
}
