using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Durable.Hosting;

namespace Orchestrator.Durable.Tests;

public sealed class OptionsValidationTests
{
    private static IOptions<DurableTaskHubOptions> Resolve(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddDurableTaskAzureStorage(configuration.GetSection("Durable"));
        return services.BuildServiceProvider().GetRequiredService<IOptions<DurableTaskHubOptions>>();
    }

    [Fact]
    public void Defaults_are_valid_and_bound()
    {
        var options = Resolve(new() { ["Durable:AzureStorage:PartitionCount"] = "8" }).Value;
        Assert.Equal("OrchestratorHub", options.AzureStorage.TaskHubName);
        Assert.Equal("UseDevelopmentStorage=true", options.AzureStorage.ConnectionString);
        Assert.Equal(8, options.AzureStorage.PartitionCount);
        Assert.Equal(TimeSpan.FromSeconds(30), options.AzureStorage.MaxQueuePollingInterval);
        Assert.True(options.Worker.Enabled);
        Assert.Equal(100, options.Worker.MaxConcurrentOrchestrations);
    }

    [Theory]
    [InlineData("Durable:AzureStorage:TaskHubName", "1hub", "Durable:AzureStorage:TaskHubName")]
    [InlineData("Durable:AzureStorage:TaskHubName", "my-hub", "letters")]
    [InlineData("Durable:AzureStorage:TaskHubName", "ab", "3 to 45")]
    [InlineData("Durable:AzureStorage:PartitionCount", "17", "Durable:AzureStorage:PartitionCount")]
    [InlineData("Durable:AzureStorage:PartitionCount", "0", "1 to 16")]
    [InlineData("Durable:AzureStorage:MaxQueuePollingInterval", "00:00:00", "Durable:AzureStorage:MaxQueuePollingInterval")]
    [InlineData("Durable:Worker:MaxConcurrentActivities", "0", "Durable:Worker:MaxConcurrentActivities")]
    public void Bad_values_fail_with_a_message_naming_the_key(string key, string value, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }).Value);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("OrchestratorHub", true)]
    [InlineData("a123456789012345678901234567890123456789012345", false)] // 46 characters
    [InlineData("a12345678901234567890123456789012345678901234", true)] // 45 characters
    [InlineData("hub_1", false)]
    public void Task_hub_name_rule(string name, bool valid) =>
        Assert.Equal(valid, DurableTaskHubOptionsValidator.IsValidTaskHubName(name));
}
