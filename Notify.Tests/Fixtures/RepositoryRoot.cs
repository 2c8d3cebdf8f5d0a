namespace Notify.Tests.Fixtures;

/// <summary>The checkout the tests run from (the folder holding Notify.sln).</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Notify.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Notify.sln above {AppContext.BaseDirectory}.");
    }
}
