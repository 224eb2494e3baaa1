using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Auth;

/// <summary>Authorization policies by what a route does.</summary>
public static class Policies
{
    /// <summary>Management API reads: ops and viewer.</summary>
    public const string ManagementRead = "management-read";
    /// <summary>Management API changes: ops only.</summary>
    public const string ManagementWrite = "management-write";
}

public static class AuthRegistration
{
    /// <summary>API-key authentication from Auth:ApiKeys, role policies, and a fallback that needs a key everywhere.</summary>
    public static TBuilder AddApiKeyAuth<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>()
            .Bind(builder.Configuration.GetSection(AuthOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<ApiKeyStore>();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.ManagementRead, p => p.RequireAuthenticatedUser().RequireRole(Roles.Ops, Roles.Viewer))
            .AddPolicy(Policies.ManagementWrite, p => p.RequireAuthenticatedUser().RequireRole(Roles.Ops));
        return builder;
    }
}
