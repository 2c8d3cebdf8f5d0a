extern alias AppHostAssembly;

using System.Diagnostics;
using System.Text.Json.Nodes;
using Notify.Tests.Fixtures;

namespace Notify.Tests.AppHost;

/// <summary><c>aspire-manifest.json</c> is what the AppHost's manifest publisher writes today.</summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task CommittedManifest_MatchesWhatTheAppHostPublishes()
    {
        var repositoryRoot = Path.GetDirectoryName(AppHostAssembly::Projects.AppHost.ProjectPath)!;
        var committed = Path.Combine(repositoryRoot, "aspire-manifest.json");
        var scratch = Directory.CreateTempSubdirectory("notify-manifest-");
        var published = Path.Combine(scratch.FullName, "aspire-manifest.json");
        try
        {
            await PublishManifestAsync(published);

            var expected = Normalize(committed);
            var actual = Normalize(published);
            Assert.True(
                JsonNode.DeepEquals(expected, actual),
                $"aspire-manifest.json is out of date. Regenerate it with:\n  dotnet run --project AppHost -- --publisher manifest --output-path ../aspire-manifest.json\nPublished now:\n{actual}");
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>Runs the built AppHost as its own process, as a user would, and stops it by its id if it overruns.</summary>
    private static async Task PublishManifestAsync(string outputPath)
    {
        var appHost = typeof(AppHostAssembly::Projects.AppHost).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { appHost, "--publisher", "manifest", "--output-path", outputPath },
            WorkingDirectory = Path.GetDirectoryName(appHost)!,
        };
        var (exitCode, output, error) = await ProcessRun.ToEndAsync(start, TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0 && File.Exists(outputPath), $"Publishing the manifest failed:\n{output}\n{error}");
    }

    /// <summary>Project paths and working directories are relative to the manifest's folder; make them absolute so two locations compare.</summary>
    private static JsonNode Normalize(string manifestPath)
    {
        var root = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var folder = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        foreach (var (_, resource) in root["resources"]!.AsObject())
        {
            foreach (var property in new[] { "path", "workingDirectory" })
            {
                if (resource?[property] is JsonValue relative)
                {
                    resource[property] = Path.GetFullPath(Path.Combine(folder, relative.GetValue<string>()));
                }
            }
        }

        return root;
    }
}
