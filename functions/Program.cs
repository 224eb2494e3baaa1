using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orchestrator.Functions.Hosting;

// The Azure Functions isolated worker: the Functions host (with its Durable extension) calls these functions.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication(); // ASP.NET Core integration: HttpRequest in, IResult out
builder.AddOrchestratorFunctions();
builder.Build().Run();
