using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Orchestrator.Api.Auth;

/// <summary>Policies of the platform and department API (/api) and of the OpenAPI document.</summary>
public static class ApiPolicies
{
    /// <summary>Reads of projects, plans and the SLA board, and the OpenAPI document: any key (platform, department, ops, viewer).</summary>
    public const string Read = "api-read";
    /// <summary>Filing, materials and project events: platform or ops.</summary>
    public const string PlatformWrite = "api-platform-write";
    /// <summary>A department's open items: the department key bound to the route's {departmentCode}, or ops or viewer.</summary>
    public const string DepartmentRead = "api-department-read";
    /// <summary>Decisions: the department key bound to the route's {departmentCode}, or ops.</summary>
    public const string DepartmentWrite = "api-department-write";

    public const string DepartmentRouteValue = "departmentCode";
}

/// <summary>
/// Passes for the roles in <see cref="AnyDepartmentRoles"/>, or for a department key whose DepartmentCode equals the
/// route value {departmentCode} exactly (codes are case-sensitive, as in the catalog).
/// </summary>
public sealed class DepartmentBindingRequirement(params string[] anyDepartmentRoles) : IAuthorizationRequirement
{
    public IReadOnlyList<string> AnyDepartmentRoles { get; } = anyDepartmentRoles;
}

internal sealed class DepartmentBindingHandler : AuthorizationHandler<DepartmentBindingRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, DepartmentBindingRequirement requirement)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true) return Task.CompletedTask;
        if (requirement.AnyDepartmentRoles.Any(user.IsInRole))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var http = context.Resource as HttpContext;
        var routeDepartment = http?.GetRouteValue(ApiPolicies.DepartmentRouteValue) as string;
        var keyDepartment = user.FindFirstValue(ApiKeyAuthenticationHandler.DepartmentClaim);
        if (user.IsInRole(Roles.Department) && routeDepartment is not null && string.Equals(keyDepartment, routeDepartment, StringComparison.Ordinal))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var name = user.Identity?.Name ?? "?";
        var reason = user.IsInRole(Roles.Department)
            ? $"The key '{name}' acts for department '{keyDepartment}' and may not act for department '{routeDepartment}'. Use that department's own key. Nothing was recorded."
            : $"The key '{name}' has the role '{user.FindFirstValue(ClaimTypes.Role)}'; this route is for the department '{routeDepartment}' (its department key) or {string.Join(" or ", requirement.AnyDepartmentRoles)}.";
        context.Fail(new AuthorizationFailureReason(this, reason));
        return Task.CompletedTask;
    }
}

/// <summary>
/// Refusals of the /api routes and the OpenAPI document with a message that says which roles (or which department)
/// the route needs; every other route keeps the authentication handler's own answer.
/// </summary>
internal sealed class ApiAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var path = context.Request.Path;
        if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated == true
            && (path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi")))
        {
            var failure = authorizeResult.AuthorizationFailure;
            var reasons = failure?.FailureReasons.Select(r => r.Message).Where(m => !string.IsNullOrWhiteSpace(m)).Distinct().ToList() ?? [];
            string detail;
            if (reasons.Count > 0)
            {
                detail = string.Join(" ", reasons);
            }
            else
            {
                var roles = failure?.FailedRequirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct().ToList() ?? [];
                var name = context.User.Identity?.Name ?? "?";
                var role = context.User.FindFirstValue(ClaimTypes.Role) ?? "none";
                detail = $"The key '{name}' has the role '{role}', which may not {context.Request.Method} {path}."
                    + (roles.Count > 0 ? $" This route needs a key with the role {string.Join(" or ", roles)}." : "")
                    + (HttpMethods.IsGet(context.Request.Method) ? "" : " Nothing was stored.");
            }
            var problem = Problems.Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Not allowed for this key", detail);
            await Problems.Problems.WriteAsync(context, problem);
            return;
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

public static class ApiAccessRegistration
{
    /// <summary>The /api policies (additive to the management policies of <see cref="AuthRegistration"/>).</summary>
    public static IServiceCollection AddApiAccessPolicies(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, DepartmentBindingHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicies.Read, p => p.RequireAuthenticatedUser().RequireRole(Roles.All))
            .AddPolicy(ApiPolicies.PlatformWrite, p => p.RequireAuthenticatedUser().RequireRole(Roles.Platform, Roles.Ops))
            .AddPolicy(ApiPolicies.DepartmentRead, p => p.RequireAuthenticatedUser()
                .RequireRole(Roles.Department, Roles.Ops, Roles.Viewer)
                .AddRequirements(new DepartmentBindingRequirement(Roles.Ops, Roles.Viewer)))
            .AddPolicy(ApiPolicies.DepartmentWrite, p => p.RequireAuthenticatedUser()
                .RequireRole(Roles.Department, Roles.Ops)
                .AddRequirements(new DepartmentBindingRequirement(Roles.Ops)));
        return services;
    }
}
