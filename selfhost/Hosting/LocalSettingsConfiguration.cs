using Microsoft.Extensions.Configuration.Json;

namespace Orchestrator.SelfHost.Hosting;

/// <summary>
/// local.settings.json as a configuration source, the way Azure Functions developers know it: read from the
/// repository root (found by walking up from the content root), created from local.settings.sample.json when
/// missing. Its plain sections bind as they are; a "Values" object with flat keys ("Durable:Backend" or
/// "Durable__Backend") is read too. It sits below environment variables and command-line arguments, so those
/// override it as usual.
/// Setting LocalSettings:Enabled (default: true in Development only) and LocalSettings:Path (an explicit file).
/// </summary>
public static class LocalSettingsConfiguration
{
    public const string FileName = "local.settings.json";
    public const string SampleFileName = "local.settings.sample.json";

    public static WebApplicationBuilder AddLocalSettings(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var enabled = configuration.GetValue<bool?>("LocalSettings:Enabled") ?? builder.Environment.IsDevelopment();
        if (!enabled) return builder;

        var path = configuration["LocalSettings:Path"];
        if (string.IsNullOrWhiteSpace(path))
        {
            path = Locate(builder.Environment.ContentRootPath) ?? Locate(AppContext.BaseDirectory);
        }
        if (path is null) return builder;
        path = Path.GetFullPath(path);

        if (!File.Exists(path) && builder.Environment.IsDevelopment())
        {
            var sample = Path.Combine(Path.GetDirectoryName(path)!, SampleFileName);
            if (File.Exists(sample))
            {
                try
                {
                    File.Copy(sample, path, overwrite: false);
                    Console.WriteLine($"Created {path} from {SampleFileName}; edit it to change settings.");
                }
                catch (IOException)
                {
                    // Another process created it in the meantime; read theirs.
                }
            }
        }
        if (!File.Exists(path)) return builder;

        var source = new LocalSettingsConfigurationSource(path);
        // Below environment variables and the command line (the last unprefixed environment source and what follows).
        var sources = ((IConfigurationBuilder)configuration).Sources;
        var index = sources.Count;
        for (var i = sources.Count - 1; i >= 0; i--)
        {
            if (sources[i] is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource env
                && string.IsNullOrEmpty(env.Prefix))
            {
                index = i;
                break;
            }
        }
        sources.Insert(index, source);
        return builder;
    }

    /// <summary>The folder, from <paramref name="start"/> upwards, that holds local.settings.json or its sample.</summary>
    internal static string? Locate(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, FileName)) || File.Exists(Path.Combine(dir.FullName, SampleFileName)))
            {
                return Path.Combine(dir.FullName, FileName);
            }
        }
        return null;
    }
}

internal sealed class LocalSettingsConfigurationSource(string path) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new LocalSettingsConfigurationProvider(path);
}

internal sealed class LocalSettingsConfigurationProvider(string path) : ConfigurationProvider
{
    public override void Load()
    {
        var json = new JsonConfigurationSource { Path = Path.GetFileName(path), Optional = false };
        json.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetDirectoryName(path)!);
        var provider = new JsonConfigurationProvider(json);
        try
        {
            provider.Load();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new InvalidOperationException($"{path} is not valid JSON: {ex.GetBaseException().Message} Fix it, or delete it to start again from {LocalSettingsConfiguration.SampleFileName}.", ex);
        }

        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in AllKeys(provider, null))
        {
            if (!provider.TryGet(key, out var value)) continue;
            if (key.StartsWith("Values:", StringComparison.OrdinalIgnoreCase))
            {
                // Values is flat in Azure Functions' file: "Durable__Backend" and "Durable:Backend" both mean Durable:Backend.
                data[key["Values:".Length..].Replace("__", ConfigurationPath.KeyDelimiter)] = value;
            }
            else if (!key.Equals("IsEncrypted", StringComparison.OrdinalIgnoreCase))
            {
                data[key] = value;
            }
        }
        Data = data;
    }

    private static IEnumerable<string> AllKeys(IConfigurationProvider provider, string? parent)
    {
        foreach (var child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var key = parent is null ? child : ConfigurationPath.Combine(parent, child);
            yield return key;
            foreach (var grandChild in AllKeys(provider, key)) yield return grandChild;
        }
    }
}
