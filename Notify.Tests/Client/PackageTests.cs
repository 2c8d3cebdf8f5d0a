using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Notify.Testing;
using Notify.Tests.Fixtures;

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
        var pack = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "pack", project, "-c", RepositoryPaths.Configuration, "--no-build", "--no-restore", "-o", _output, "--disable-build-servers", "-nologo" },
        };
        var (exitCode, output, error) = await ProcessRun.ToEndAsync(pack, TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, output + error);

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
}
