using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Notify.Testing;

namespace Notify.Tests.Client;

/// <summary><c>dotnet pack</c> makes Notify.Client a NuGet package a service can reference: the library, its docs, its README and its one dependency.</summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("notify-client-pack-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public async Task NotifyClient_PacksIntoAPackage_WithTheLibraryItsDocsItsReadmeAndItsDependency()
    {
        // The build the tests run on, packed as it is (no second build, no restore touching the shared obj/).
        var project = Path.Combine(RepositoryPaths.Root, "Notify.Client", "Notify.Client.csproj");
        var (exitCode, output) = await RunAsync("dotnet", "pack", project, "-c", RepositoryPaths.Configuration, "--no-build", "--no-restore", "-o", _output, "--disable-build-servers", "-nologo");
        Assert.True(exitCode == 0, output);

        var package = Assert.Single(Directory.GetFiles(_output, "Notify.Client.*.nupkg"));
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("lib/net10.0/Notify.Client.dll", entries);
        Assert.Contains("lib/net10.0/Notify.Client.xml", entries);
        Assert.Contains("README.md", entries);

        using var nuspecStream = zip.GetEntry("Notify.Client.nuspec")!.Open();
        var nuspec = XDocument.Load(nuspecStream);
        var ns = nuspec.Root!.GetDefaultNamespace();
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("Notify.Client", metadata.Element(ns + "id")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToList();
        Assert.Equal(["Microsoft.Extensions.Http"], dependencies);
    }

    /// <summary>Runs a process to its end (stopped by its id, with its children, if it overruns) and answers its exit code and output.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
