using System.Reflection;

namespace Notify.Bench.Suite;

/// <summary>Where the repository and the build outputs the suite starts are.</summary>
internal static class RepositoryPaths
{
    /// <summary>The directory holding Notify.sln, found upwards from the tool's own files.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the suite starts servers built like itself.</summary>
    public static string Configuration { get; } =
        typeof(RepositoryPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static string ProjectDll(string project) =>
        Path.Combine(Root, project, "bin", Configuration, "net10.0", $"{project}.dll");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Notify.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Notify.sln was not found above " + AppContext.BaseDirectory);
    }
}
