namespace Notify.Testing;

/// <summary>Where the checkout is, and the build outputs of Notify's programs in it.</summary>
public static class RepositoryPaths
{
    /// <summary>The directory holding Notify.sln, found upwards from the running program's files.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: programs are started as the running one was built (<c>bin/{configuration}/net10.0</c>).</summary>
    public static string Configuration { get; } =
        Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;

    /// <summary>The built dll of one of Notify's projects, e.g. <c>Notify.Api</c>.</summary>
    /// <exception cref="FileNotFoundException">The project is not built in <see cref="Configuration"/>.</exception>
    public static string ProjectDll(string project)
    {
        var dll = Path.Combine(Root, project, "bin", Configuration, "net10.0", $"{project}.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{project} is not built in {Configuration}: {dll}", dll);
    }

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
