using Azure.Core.Serialization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orchestrator.Api;
using Orchestrator.Durable.Hosting;
using Orchestrator.Functions.Durable;
using Orchestrator.Orchestrations.DomainData;
using Orchestrator.Orchestrations.Lifecycle;

namespace Orchestrator.Functions.Hosting;

/// <summary>The composition of the Functions app (one line in Program.cs; the function tests call it too).</summary>
public static class FunctionsAppRegistration
{
    /// <summary>
    /// The service's options and services without an engine of its own: the shared HTTP layer (<see cref="ApiRegistration.AddOrchestratorApi"/>),
    /// the project lifecycle (<see cref="LifecycleServiceCollectionExtensions.AddApprovalLifecycle"/>) minus Microsoft.DurableTask.Worker's
    /// hosted worker (the Functions host's Durable extension runs the orchestrations and calls the triggers in this app),
    /// a <see cref="DurableTaskClient"/> that forwards to the running function's <c>[DurableClient]</c> binding
    /// (<see cref="BoundDurableTaskClient"/>), and the service's JSON for orchestration inputs and outputs.
    /// Durable:AzureStorage:ConnectionString (read by the health probe and the lifecycle's tables) defaults to AzureWebJobsStorage.
    /// </summary>
    public static TBuilder AddOrchestratorFunctions<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrWhiteSpace(configuration["Durable:AzureStorage:ConnectionString"])
            && configuration["AzureWebJobsStorage"] is { Length: > 0 } storage)
        {
            configuration.AddInMemoryCollection([new("Durable:AzureStorage:ConnectionString", storage)]);
        }

        var services = builder.Services;
        builder.AddOrchestratorApi();
        services.AddAuthorization();
        services.AddOptions<DurableTaskHubOptions>().Bind(configuration.GetSection(DurableTaskHubOptions.SectionName));

        var hostedBefore = services.Where(d => d.ServiceType == typeof(IHostedService)).ToHashSet();
        services.AddApprovalLifecycle(configuration);
        var workerAssembly = typeof(DurableTaskWorkerOptions).Assembly;
        foreach (var d in services.Where(d => d.ServiceType == typeof(IHostedService) && !hostedBefore.Contains(d)
                     && (d.ImplementationType?.Assembly == workerAssembly || d.ImplementationFactory?.Method.DeclaringType?.Assembly == workerAssembly)).ToList())
        {
            services.Remove(d);
        }

        services.AddSingleton<DurableTaskClient, BoundDurableTaskClient>();
        services.AddSingleton<DataConverter>(new JsonDataConverter(DomainJson.Wire));
        services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(DomainJson.Wire));

        // OpenTelemetry (Worker.OpenTelemetry): the function invocation as the parent span, the Durable client's and the
        // service's sources, exported over OTLP when Observability:Exporter is "otlp" or OTEL_EXPORTER_OTLP_ENDPOINT is set.
        if (string.Equals(configuration["Observability:Exporter"], "otlp", StringComparison.OrdinalIgnoreCase)
            || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.AddOpenTelemetry()
                .UseFunctionsWorkerDefaults()
                .WithTracing(t => t.AddSource("Microsoft.DurableTask", "Microsoft.DurableTask.*", "Orchestrator", "Orchestrator.*"))
                .UseOtlpExporter();
        }
        return builder;
    }
}
