using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Auth;

/// <summary>
/// Authenticates a request by its API key, in the header x-functions-key or the query parameter code (as Azure
/// Functions does). Refusals are problem+json: 401 for a missing or unknown key, 403 for a role that may not call
/// the route.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";
    public const string DepartmentClaim = "department";

    private const string FailureKey = "ApiKey.Failure";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = Request.Headers[HeaderName].FirstOrDefault();
        if (string.IsNullOrEmpty(presented)) presented = Request.Query[QueryName].FirstOrDefault();
        if (string.IsNullOrEmpty(presented)) return Task.FromResult(AuthenticateResult.NoResult());

        var entry = keys.Find(presented);
        if (entry is null)
        {
            Context.Items[FailureKey] = "invalid";
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, entry.Name!),
            new(ClaimTypes.Role, entry.Role!.ToLowerInvariant()),
        };
        if (!string.IsNullOrWhiteSpace(entry.DepartmentCode)) claims.Add(new Claim(DepartmentClaim, entry.DepartmentCode));
        var identity = new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{HeaderName}\", query=\"{QueryName}\"";
        var invalid = Context.Items.ContainsKey(FailureKey);
        var problem = invalid
            ? Problems.Problems.Create(StatusCodes.Status401Unauthorized, "invalid-api-key", "Invalid API key",
                $"The key given in the {HeaderName} header or the ?{QueryName}= parameter is not one this service knows. Check for a typo or a key that was rotated; ask operations for a current key.")
            : Problems.Problems.Create(StatusCodes.Status401Unauthorized, "missing-api-key", "API key required",
                $"This route needs an API key: send it in the {HeaderName} header (or as ?{QueryName}=). On a developer machine the keys are in local.settings.json (see README.md).");
        return Problems.Problems.WriteAsync(Context, problem);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var role = Context.User.FindFirstValue(ClaimTypes.Role) ?? "none";
        var name = Context.User.Identity?.Name ?? "?";
        var problem = Problems.Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Not allowed for this key's role",
            $"The key '{name}' has the role '{role}', which may not {Request.Method} {Request.Path}. The management API's changes need an ops key; viewer keys may only read.");
        return Problems.Problems.WriteAsync(Context, problem);
    }
}
