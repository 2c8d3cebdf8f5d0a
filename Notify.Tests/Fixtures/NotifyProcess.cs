using System.Collections.Concurrent;
using System.Diagnostics;

namespace Notify.Tests.Fixtures;

/// <summary>
/// One of Notify's own programs (a silo, the gateway) run as a real process from its build output, stopped by
/// its own process id: SIGKILL for a crash, SIGTERM for a rolling restart.
/// </summary>
public sealed class NotifyProcess(string name, string project, IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public string Name { get; } = name;

    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', _output);

    public void Start()
    {
        var projectDirectory = Path.Combine(RepositoryRoot.Path, project);
        var dll = Path.Combine(projectDirectory, "bin", BuildConfiguration, "net10.0", $"{project}.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{project} is not built: {dll}", dll);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll },
            WorkingDirectory = projectDirectory, // the content root: appsettings.json, wwwroot
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, line) => Remember(line.Data);
        _process.ErrorDataReceived += (_, line) => Remember(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL: the process dies on the spot, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM: the process shuts down gracefully. Returns how long it took to exit.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan timeout)
    {
        if (_process is not { HasExited: false } process)
        {
            return TimeSpan.Zero;
        }

        var watch = Stopwatch.StartNew();
        using (var signal = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            await KillAsync();
            throw new TimeoutException($"{Name} did not exit within {timeout} of SIGTERM.");
        }

        return watch.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue($"[{Name}] {line}");
        while (_output.Count > 200)
        {
            _output.TryDequeue(out _);
        }
    }

    /// <summary>Debug or Release: whatever the tests themselves were built as.</summary>
    private static string BuildConfiguration =>
        Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
}
