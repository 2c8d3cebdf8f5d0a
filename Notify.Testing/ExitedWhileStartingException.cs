namespace Notify.Testing;

/// <summary>A <see cref="ChildProcess"/> exited before it answered its health check.</summary>
public sealed class ExitedWhileStartingException(string name, int exitCode, string recentOutput)
    : InvalidOperationException($"{name} exited with code {exitCode} while starting:\n{recentOutput}")
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The last lines it wrote.</summary>
    public string RecentOutput { get; } = recentOutput;

    /// <summary>Whether it could not listen on its port: another socket took the port after it was chosen.</summary>
    public bool PortWasTaken => RecentOutput.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
}
