using System.Security.Claims;
using Orchestrator.Api.Auth;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Api.Http.Api;

/// <summary>Who calls: always from the authenticated key (name, role, department), never from the request body.</summary>
public static class Callers
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxIdempotencyKeyLength = 100;

    public static Actor ActorOf(ClaimsPrincipal user) => new(
        user.Identity?.Name ?? "unknown",
        user.FindFirstValue(ClaimTypes.Role) ?? "unknown",
        user.FindFirstValue(ApiKeyAuthenticationHandler.DepartmentClaim));

    /// <summary>
    /// The Idempotency-Key header (1 to 100 printable ASCII characters); when absent a new key is made, so the request
    /// is applied as a new one. Retrying with the same key applies it once.
    /// </summary>
    public static string IdempotencyKey(HttpRequest request, FieldErrors errors, out bool given)
    {
        var values = request.Headers[IdempotencyHeader];
        given = values.Count > 0;
        if (!given) return Guid.NewGuid().ToString("N");
        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrWhiteSpace(key) || key.Length > MaxIdempotencyKeyLength || key.Any(c => c < 0x21 || c > 0x7e))
        {
            errors.Add(IdempotencyHeader, $"Give one key of 1 to {MaxIdempotencyKeyLength} printable ASCII characters without spaces (a UUID is a good choice).");
            return "";
        }
        return key;
    }
}
