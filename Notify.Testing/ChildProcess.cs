using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Notify.Testing;

/// <summary>
/// A program a test or a benchmark started (a silo, the gateway, the store, a peer), stopped only by its own
/// process id: SIGKILL for a crash, SIGTERM for a graceful stop. Its last lines of output are kept for messages; with
/// <see cref="OutputDirectoryVariable"/> set, all of them are written there too, each with the time it arrived.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>
    /// A directory to write every child's whole output to (<c>name-pid.log</c>, a UTC time on each line), to line up
    /// what several processes did during a fault. Unset: only the last lines are kept.
    /// </summary>
    public const string OutputDirectoryVariable = "NOTIFY_CHILD_OUTPUT";

    private const int KeptLines = 200;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly StreamWriter? _outputFile;
    private bool _outputFileClosed; // lines can still arrive as the process is disposed

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        ProcessId = process.Id;
        if (Environment.GetEnvironmentVariable(OutputDirectoryVariable) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            _outputFile = new StreamWriter(Path.Combine(directory, $"{name}-{ProcessId}.log")) { AutoFlush = true };
        }

        _process.OutputDataReceived += (_, line) => Remember(line.Data);
        _process.ErrorDataReceived += (_, line) => Remember(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>The id it was started with (kept after it exits).</summary>
    public int ProcessId { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', _output);

    /// <summary>Starts <paramref name="start"/> with its output captured.</summary>
    public static ChildProcess Start(string name, ProcessStartInfo start)
    {
        // Servers run as they would alone: Notify.Bench's own socket setting must not reach the servers it measures.
        start.Environment.Remove("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return new ChildProcess(name, Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start."));
    }

    /// <summary>
    /// Starts one of Notify's programs (<c>Notify.Api</c>, <c>Notify.Gateway</c>) from its build output, with its project
    /// directory as content root and <paramref name="environment"/> on top of the caller's.
    /// </summary>
    public static ChildProcess StartProgram(string name, string project, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { RepositoryPaths.ProjectDll(project) },
            WorkingDirectory = Path.Combine(RepositoryPaths.Root, project), // appsettings.json, wwwroot
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Start(name, start);
    }

    /// <summary>Waits until <paramref name="url"/> answers a success status.</summary>
    /// <exception cref="ExitedWhileStartingException">The process exited first.</exception>
    /// <exception cref="TimeoutException">It did not answer within <paramref name="timeout"/>.</exception>
    public async Task WaitUntilHealthyAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        string? lastAnswer = null;
        while (true)
        {
            if (_process.HasExited)
            {
                // Until the redirected output reaches its end, its last lines (an unhandled exception's) may still be on the way.
                await _process.WaitForExitAsync(cancellationToken);
                throw new ExitedWhileStartingException(Name, _process.ExitCode, RecentOutput);
            }

            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                lastAnswer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (Exception exception) when (exception is HttpRequestException
                || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                lastAnswer = exception.Message;
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} did not answer {url} within {timeout} (last answer: {lastAnswer}):\n{RecentOutput}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>SIGKILL: the process dies on the spot, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM: the process shuts down gracefully. Returns how long it took to exit.</summary>
    /// <exception cref="TimeoutException">It did not exit within <paramref name="timeout"/> (it is killed then).</exception>
    public async Task<TimeSpan> TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return TimeSpan.Zero;
        }

        var watch = Stopwatch.StartNew();
        await SignalAsync("TERM");

        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            await KillAsync();
            throw new TimeoutException($"{Name} did not exit within {timeout} of SIGTERM.");
        }

        return watch.Elapsed;
    }

    /// <summary>SIGSTOP: the process is frozen, its sockets open, as in a long GC pause or a stalled VM.</summary>
    public Task SuspendAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT: a frozen process runs again.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="grace"/> (20 s by default).</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        try
        {
            await TerminateAsync(grace ?? TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            // Killed instead.
        }
    }

    /// <summary>Kills the process if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        if (_outputFile is { } file)
        {
            lock (file)
            {
                _outputFileClosed = true;
                file.Dispose();
            }
        }
    }

    private Task SignalAsync(string signal) => SignalAsync(ProcessId, signal);

    /// <summary>Sends <paramref name="signal"/> (<c>STOP</c>, <c>CONT</c>, <c>TERM</c>) to the process with this id,
    /// e.g. one the AppHost's orchestrator started.</summary>
    public static async Task SignalAsync(int processId, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", processId.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {processId} failed with exit code {kill.ExitCode}.");
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue($"[{Name}] {line}");
        if (_outputFile is { } file)
        {
            lock (file)
            {
                if (!_outputFileClosed)
                {
                    file.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
                }
            }
        }

        while (_output.Count > KeptLines)
        {
            _output.TryDequeue(out _);
        }
    }
}
