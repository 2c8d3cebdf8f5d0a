using System.Diagnostics;
using System.Globalization;

namespace Notify.Bench.Suite;

/// <summary>
/// The peer: nginx with the nchan module (Debian's <c>nginx-light</c> and <c>libnginx-mod-nchan</c>), from
/// <c>Peers/nchan.conf</c> rendered into a scratch directory, run in the foreground and stopped by its master's id.
/// </summary>
internal sealed class NchanHub : IHub
{
    private const string Nginx = "/usr/sbin/nginx";
    private readonly int _port = FreePort.Next();
    private readonly string _directory = Directory.CreateTempSubdirectory("notify-bench-nchan-").FullName;
    private ChildProcess? _server;

    public string Name => "nchan";

    public Uri TopicsUrl => new($"http://127.0.0.1:{_port}/topics");

    public IReadOnlyList<int> ProcessIds => _server is { } server ? [server.ProcessId] : [];

    public static bool IsInstalled => File.Exists(Nginx);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException("nginx is not installed: apt-get install nginx-light libnginx-mod-nchan");
        }

        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Peers", "nchan.conf"), cancellationToken);
        var config = Path.Combine(_directory, "nginx.conf");
        await File.WriteAllTextAsync(
            config,
            template.Replace("{{PORT}}", _port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{{DIR}}", _directory, StringComparison.Ordinal),
            cancellationToken);

        _server = ChildProcess.Start("nginx", new ProcessStartInfo(Nginx)
        {
            ArgumentList = { "-c", config, "-p", _directory, "-e", Path.Combine(_directory, "error.log") },
        });
        await _server.WaitUntilHealthyAsync(new Uri(TopicsUrl, "/health"), TimeSpan.FromSeconds(20), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_server is not null)
            {
                await _server.StopAsync();
                await _server.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
