using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Orchestrator.Api.Auth;
using Orchestrator.Api.Http.Api;

namespace Orchestrator.Api.OpenApi;

/// <summary>Marks a route that honours the Idempotency-Key header (documented as a header parameter).</summary>
public sealed class IdempotencyKeyMetadata;

/// <summary>
/// The OpenAPI document at /openapi/v1.json (every route, schemas, the api-key security scheme) and a self-contained
/// reference page at /openapi that lists the operations from it (no CDN). Both need a key of any role (viewer is
/// enough); in a browser pass it as ?code=, which the page reuses to fetch the document.
/// </summary>
public static class OpenApiReference
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string PagePath = "/openapi";
    public const string SecuritySchemeId = "apiKey";

    public static TBuilder AddOpenApiReference<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.Configure<OpenApiOptions>(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Orchestrator",
                    Version = "v1",
                    Description = "Workflow orchestration of investment and construction project approval (工程建设项目审批): the platform API "
                        + "(/api/projects), the department API (/api/departments), the SLA board (/api/sla/board) and the Durable Functions "
                        + "management API (/runtime/webhooks/durabletask). Every route except GET /health needs an API key in the header "
                        + "x-functions-key (or ?code=). Errors are application/problem+json (RFC 9457).",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecuritySchemeId] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    Name = ApiKeyAuthenticationHandler.HeaderName,
                    In = ParameterLocation.Header,
                    Description = "API key. Roles: platform (file projects, materials, events), department (bound to one department code: "
                        + "its items and decisions), ops (everything), viewer (reads). The same key is accepted as the query parameter ?code=.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeId, document)] = [] }];
                return Task.CompletedTask;
            });

            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security = [];
                    return Task.CompletedTask;
                }
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "API key missing or unknown (problem+json)." });
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The key's role (or department) may not call this route (problem+json)." });
                if (metadata.OfType<IdempotencyKeyMetadata>().Any())
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = Callers.IdempotencyHeader,
                        In = ParameterLocation.Header,
                        Required = false,
                        Description = "A key of 1 to 100 printable ASCII characters (a UUID): a retry with the same key is applied once and gets the same answer, with the header Idempotent-Replayed: true.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = Callers.MaxIdempotencyKeyLength },
                    });
                }
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapOpenApiReference(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(ApiPolicies.Read);
        endpoints.MapGet(PagePath, () => TypedResults.Content(ReferencePage.Html, "text/html; charset=utf-8"))
            .RequireAuthorization(ApiPolicies.Read)
            .ExcludeFromDescription();
        return endpoints;
    }
}
