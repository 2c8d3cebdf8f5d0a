using System.Diagnostics;

namespace Notify.Tests.Fixtures;

/// <summary>A command run to its end, as a user would run it: its exit code and output; stopped by its id, with its children, if it overruns.</summary>
public static class ProcessRun
{
    public static async Task<(int ExitCode, string Output, string Error)> ToEndAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var overrun = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(overrun.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
