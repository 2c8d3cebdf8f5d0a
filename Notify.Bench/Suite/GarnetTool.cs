using System.Text.Json;

namespace Notify.Bench.Suite;

/// <summary>The <c>garnet-server</c> tool that the repository's tool manifest restores, run directly by its dll.</summary>
internal static class GarnetTool
{
    /// <summary>GarnetServer.dll of the version <c>dotnet-tools.json</c> names, from the NuGet package folder.</summary>
    /// <exception cref="InvalidOperationException">The tool is not restored.</exception>
    public static string ServerDll(string repositoryRoot)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(repositoryRoot, "dotnet-tools.json")));
        var version = manifest.RootElement.GetProperty("tools").GetProperty("garnet-server").GetProperty("version").GetString()!;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var tools = Path.Combine(packages, "garnet-server", version, "tools");
        return (Directory.Exists(tools) ? Directory.GetFiles(tools, "GarnetServer.dll", SearchOption.AllDirectories).FirstOrDefault() : null)
            ?? throw new InvalidOperationException($"garnet-server {version} is not restored under {tools}: run 'dotnet tool restore'.");
    }
}
