using System.Diagnostics;
using System.Globalization;
using Notify.Bench.Measure;

namespace Notify.Bench.Suite;

/// <summary>
/// The peer: nginx with the nchan module (Debian's <c>nginx-light</c> and <c>libnginx-mod-nchan</c>), from
/// <c>Peers/nchan.conf</c> rendered into a scratch directory, run in the foreground and stopped by its master's id.
/// Durable, it keeps messages in Debian's <c>redis-server</c> with <c>appendonly yes</c> and <c>appendfsync always</c>
/// (a publish is answered once Redis has it on disk, as Notify's are by its store), started and stopped by its id too.
/// </summary>
internal sealed class NchanHub(bool durable) : IHub
{
    private const string Nginx = "/usr/sbin/nginx";
    private const string RedisServer = "/usr/bin/redis-server";
    private const string NchanModule = "/usr/lib/nginx/modules/ngx_nchan_module.so"; // loaded by Peers/nchan.conf
    private readonly int _port = FreePort.Next();
    private readonly int _redisPort = FreePort.Next();
    private readonly string _directory = Directory.CreateTempSubdirectory("notify-bench-nchan-").FullName;
    private ChildProcess? _server;
    private ChildProcess? _redis;

    public string Name => durable ? "nchan-redis" : "nchan";

    /// <summary>What this machine lacks to run the peer (durable: with Redis storage), or <c>null</c> when it has it all.</summary>
    public static string? MissingPrerequisite(bool durable) =>
        File.Exists(Nginx) && File.Exists(NchanModule) && (!durable || File.Exists(RedisServer))
            ? null
            : "nginx, its nchan module or redis-server is not installed: apt-get install nginx-light libnginx-mod-nchan redis-server";

    public Uri TopicsUrl => new($"http://127.0.0.1:{_port}/topics");

    /// <summary>Several channels on one subscriber: <c>nchan_channel_id_split_delimiter ","</c> in Peers/nchan.conf.</summary>
    public Load.TopicSetStyle TopicSets => Load.TopicSetStyle.CommaPath;

    public IReadOnlyList<ServerProcess> Processes => [.. new[] { _server, _redis }.OfType<ChildProcess>().Select(p => new ServerProcess(p.ProcessId, p.Name))];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (MissingPrerequisite(durable) is { } missing)
        {
            throw new InvalidOperationException(missing);
        }

        if (durable)
        {
            await StartRedisAsync(cancellationToken);
        }

        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Peers", "nchan.conf"), cancellationToken);
        var config = Path.Combine(_directory, "nginx.conf");
        await File.WriteAllTextAsync(
            config,
            template.Replace("{{PORT}}", _port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{{DIR}}", _directory, StringComparison.Ordinal)
                .Replace("{{REDIS_UPSTREAM}}", durable ? $"    upstream notify_redis {{ nchan_redis_server redis://127.0.0.1:{_redisPort}; }}" : "", StringComparison.Ordinal)
                .Replace("{{REDIS_PASS}}", durable ? "            nchan_redis_pass notify_redis;" : "", StringComparison.Ordinal),
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
            foreach (var process in new[] { _server, _redis }.OfType<ChildProcess>())
            {
                await process.StopAsync();
                await process.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task StartRedisAsync(CancellationToken cancellationToken)
    {
        _redis = ChildProcess.Start("redis-server", new ProcessStartInfo(RedisServer)
        {
            ArgumentList =
            {
                "--port", _redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory,
                "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no", "--protected-mode", "no",
            },
        });
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, _redisPort, cancellationToken);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return !_redis.HasExited ? false : throw new InvalidOperationException($"redis-server exited:\n{_redis.RecentOutput}");
            }
        }, $"redis-server listens on {_redisPort}", TimeSpan.FromSeconds(20));
    }
}
