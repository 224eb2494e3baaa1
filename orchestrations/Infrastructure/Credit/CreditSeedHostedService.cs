using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Orchestrations.Infrastructure.Credit;

/// <summary>Seeds the <c>EnterpriseCredit</c> table from the sample file when the host starts (a failure is logged; the registry retries on first use).</summary>
public sealed class CreditSeedHostedService(ICreditRegistry registry, ILogger<CreditSeedHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (registry is not TableCreditRegistry table) return;
        try { await table.SeedAsync(cancellationToken); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "The credit registry could not be seeded at start; it will be seeded on first use");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
