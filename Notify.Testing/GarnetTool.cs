using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Notify.Testing;

/// <summary>The <c>garnet-server</c> tool that the repository's tool manifest restores, run directly by its dll.</summary>
public static class GarnetTool
{
    /// <summary>GarnetServer.dll of the version <c>dotnet-tools.json</c> names, from the NuGet package folder.</summary>
    /// <exception cref="InvalidOperationException">The tool is not restored.</exception>
    public static string ServerDll()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "dotnet-tools.json")));
        var version = manifest.RootElement.GetProperty("tools").GetProperty("garnet-server").GetProperty("version").GetString()!;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var tools = Path.Combine(packages, "garnet-server", version, "tools");
        return (Directory.Exists(tools) ? Directory.GetFiles(tools, "GarnetServer.dll", SearchOption.AllDirectories).FirstOrDefault() : null)
            ?? throw new InvalidOperationException($"garnet-server {version} is not restored under {tools}: run 'dotnet tool restore'.");
    }

    /// <summary>
    /// A store run as the AppHost runs it (AppHost/Store/GarnetResourceExtensions.cs): on 127.0.0.1, Lua scripts each
    /// atomic, every write in the append-only file before it is acknowledged, recovering what
    /// <paramref name="dataDirectory"/> holds.
    /// </summary>
    public static ProcessStartInfo StartInfo(int port, string dataDirectory, string memory = "256m", string index = "16m") => new("dotnet")
    {
        ArgumentList =
        {
            "exec", ServerDll(),
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--lua", "--lua-transaction-mode",
            "--aof", "--aof-commit-freq", "0", "--aof-commit-wait",
            "--device-type", "RandomAccess", // managed file I/O: the native device needs libaio
            "--checkpointdir", dataDirectory, "--recover",
            "--memory", memory, "--index", index, "-q", "--logger-level", "Warning",
        },
        Environment = { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" }, // as the AppHost: no spinning for work
    };
}
