using System.Globalization;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Http.Api;

/// <summary>
/// The paging query parameters every list under /api takes (pageSize, continuationToken) and the link to the next page.
/// A page answer carries the token and, for convenience, the same request with the token filled in (Next).
/// </summary>
internal static class Paging
{
    public const string PageSizeParameter = "pageSize";
    public const string TokenParameter = "continuationToken";

    /// <summary>Reads pageSize (default and maximum from <see cref="ApiOptions"/>) and the token; bad values go to <paramref name="errors"/>.</summary>
    public static (int PageSize, string? Token) Read(IQueryCollection q, ApiOptions options, FieldErrors errors)
    {
        var pageSize = options.DefaultPageSize;
        if (q.TryGetValue(PageSizeParameter, out var sizeRaw) && !string.IsNullOrEmpty(sizeRaw))
        {
            if (!int.TryParse(sizeRaw, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1 || pageSize > options.MaxPageSize)
                errors.Add(PageSizeParameter, $"'{sizeRaw}' is not a page size; use 1 to {options.MaxPageSize} (setting Api:MaxPageSize).");
        }
        var token = q[TokenParameter].FirstOrDefault();
        if (token is { Length: > 4096 }) errors.Add(TokenParameter, "Too long; pass back the token a previous page returned.");
        return (pageSize, string.IsNullOrEmpty(token) ? null : token);
    }

    public static (int PageSize, string? Token) Read(HttpContext context, FieldErrors errors) =>
        Read(context.Request.Query, context.RequestServices.GetService<IOptions<ApiOptions>>()?.Value ?? new ApiOptions(), errors);

    /// <summary>The problem for a token the query refused (<see cref="FormatException"/> from the read side).</summary>
    public static IResult TokenRefused(FormatException ex) =>
        ApiProblems.Field(TokenParameter, $"{ex.Message} Pass back the continuationToken of the previous page of this list, or omit it for the first page.");

    /// <summary>This request's path and query with <paramref name="token"/> as the continuation token; null when there is no next page.</summary>
    public static string? NextLink(HttpContext context, string? token)
    {
        if (token is null) return null;
        var parameters = context.Request.Query
            .Where(kv => kv.Key != TokenParameter)
            .SelectMany(kv => kv.Value.Select(v => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(v ?? "")}"))
            .Append($"{TokenParameter}={Uri.EscapeDataString(token)}");
        return $"{context.Request.PathBase}{context.Request.Path}?{string.Join('&', parameters)}";
    }
}
