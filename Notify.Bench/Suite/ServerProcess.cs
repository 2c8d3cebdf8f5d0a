using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Notify.Bench.Suite;

/// <summary>
/// A server the suite started: its process id is recorded at start and it is stopped by that id only
/// (SIGTERM, then SIGKILL if it does not exit), also when the suite fails or is cancelled.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, line) => Remember(line.Data);
        _process.ErrorDataReceived += (_, line) => Remember(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int ProcessId => _process.Id;

    /// <summary>The last lines the server wrote, for error messages.</summary>
    public string RecentOutput => string.Join('\n', _output);

    public static ServerProcess Start(string name, ProcessStartInfo start)
    {
        // The generator's own socket setting (BenchProgram) must not reach the servers it measures.
        start.Environment.Remove("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return new ServerProcess(name, Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start."));
    }

    /// <summary>Waits until <paramref name="url"/> answers 200, failing early if the process exits.</summary>
    public async Task WaitUntilHealthyAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:\n{RecentOutput}");
            }

            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"{Name} did not answer {url} within {timeout}:\n{RecentOutput}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process.HasExited)
        {
            _process.Dispose();
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 50)
        {
            _output.TryDequeue(out _);
        }
    }
}
