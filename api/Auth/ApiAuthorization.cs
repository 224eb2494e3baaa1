using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Orchestrator.Api.Auth;

/// <summary>
/// The authorization the self-host's middleware applies to an endpoint (RequireAuthorization), for a host without
/// that middleware: an Azure Functions HTTP trigger (AuthorizationLevel.Anonymous; the service checks its own keys).
/// </summary>
public static class ApiAuthorization
{
    /// <summary>
    /// Authenticates the request's API key (header x-functions-key or ?code=), evaluates the named policies together
    /// (as a route group's policy and the route's own combine), and on refusal writes the same 401/403 problem+json the
    /// self-host answers. Route values the policies read (<see cref="ApiPolicies.DepartmentRouteValue"/>) must be set on
    /// the request first. True when the request may go on.
    /// </summary>
    public static async Task<bool> AuthorizeAsync(HttpContext context, params string[] policyNames)
    {
        var services = context.RequestServices;
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policies = new List<AuthorizationPolicy>();
        foreach (var name in policyNames)
            policies.Add(await provider.GetPolicyAsync(name) ?? throw new InvalidOperationException($"No authorization policy named '{name}'."));
        var policy = policies.Count > 0
            ? AuthorizationPolicy.Combine(policies)
            : await provider.GetFallbackPolicyAsync() ?? await provider.GetDefaultPolicyAsync();

        var authentication = await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
        if (authentication.Succeeded) context.User = authentication.Principal!;

        var evaluator = services.GetRequiredService<IPolicyEvaluator>();
        var authenticated = await evaluator.AuthenticateAsync(policy, context);
        var result = await evaluator.AuthorizeAsync(policy, authenticated, context, context);
        if (result.Succeeded) return true;

        await services.GetRequiredService<IAuthorizationMiddlewareResultHandler>()
            .HandleAsync(_ => Task.CompletedTask, context, policy, result);
        return false;
    }
}
