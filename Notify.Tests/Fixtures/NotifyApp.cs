using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notify.Testing;

namespace Notify.Tests.Fixtures;

/// <summary>
/// The real Notify.Api (ASP.NET Core + its co-hosted Orleans silo on the embedded default),
/// served by Kestrel on 127.0.0.1 with an ephemeral port, for tests that speak real HTTP to it.
/// A run with no fault logs no warning or error: the app keeps what it logs, and fails its test class when it is
/// disposed having logged, while its tests ran or as it stopped, a warning or an error they did not declare with
/// <see cref="ExpectWarnings"/>.
/// </summary>
public class NotifyApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>The heartbeat interval tests run with: short, so an idle stream's heartbeat shows quickly.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(800);

    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Orleans:Endpoints:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Orleans:Endpoints:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notify:Sse:HeartbeatInterval"] = HeartbeatInterval.ToString(),
        ["Logging:LogLevel:Default"] = "Warning",
    };

    // Open test nodes say so at start, as they should; the test host runs workstation GC (Notify.Api runs server GC),
    // which Orleans notes at start; and a busy test machine can stall a silo's thread pool for a second.
    private readonly List<Func<CapturedLogs.Entry, bool>> _expectedWarnings =
    [
        entry => entry.Message.StartsWith("NO AUTHENTICATION", StringComparison.Ordinal),
        entry => entry.Category == "Orleans.Runtime.Silo" && entry.Message.Contains("ServerGC", StringComparison.Ordinal),
        ExpectedWarnings.MachineBusy,
    ];

    public NotifyApp()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>An app with some settings changed. The stream check keeps its production default
    /// elsewhere, so a broken stream shows as late events instead of being quietly repaired.</summary>
    protected NotifyApp(IReadOnlyDictionary<string, string?> overrides)
    {
        foreach (var (key, value) in SiloEnvironment.OneAddressLoad)
        {
            _settings[key] = value;
        }

        foreach (var (key, value) in overrides)
        {
            _settings[key] = value;
        }

        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>What the app logged, at the levels its configuration enables (Warning and above unless set otherwise).</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>Declares warnings or errors a test causes on purpose (a store stopped, a client cut).</summary>
    public void ExpectWarnings(Func<CapturedLogs.Entry, bool> match)
    {
        lock (_expectedWarnings)
        {
            _expectedWarnings.Add(match);
        }
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>An HttpClient over real loopback TCP; every request has <see cref="TestTimeouts.Request"/> to answer.</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress, Timeout = TestTimeouts.Request };

    /// <summary>A service of the running app (to look at its internals, e.g. the fanout registry).</summary>
    public T GetService<T>() where T : notnull => Services.GetRequiredService<T>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    public virtual Task InitializeAsync()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync() => await DisposeCheckingLogsAsync();

    /// <summary>Stops the app, then fails if it logged, while its tests ran or as it stopped, a warning or error no test expected.</summary>
    public async Task DisposeCheckingLogsAsync()
    {
        var loggedBeforeStop = Logs.Entries.Count;
        await DisposeAsync();
        await DisposeDependenciesAsync();
        // The app's own stop may race a stream reader's call to a doorbell (ExpectedWarnings.DoorbellWaitAsSiloStops): excused
        // only among what the stop logged.
        var stopLogged = Logs.Entries.Skip(loggedBeforeStop).ToHashSet(ReferenceEqualityComparer.Instance);
        ThrowOnUnexpectedWarnings([.. UnexpectedWarnings().Where(entry => !(stopLogged.Contains(entry) && ExpectedWarnings.DoorbellWaitAsSiloStops(entry)))]);
    }

    /// <summary>The warnings and errors logged so far that no test declared.</summary>
    public IReadOnlyList<CapturedLogs.Entry> UnexpectedWarnings()
    {
        var entries = Logs.Entries;
        // The silo's health monitor reports a stall at its next check, which may come after what the stall delayed.
        var stalled = entries.Any(ExpectedWarnings.MachineBusy);
        lock (_expectedWarnings)
        {
            return [.. entries.Where(entry =>
                entry.Level >= LogLevel.Warning
                && !_expectedWarnings.Any(expected => expected(entry))
                && !(stalled && ExpectedWarnings.StreamLateAfterAStall(entry)))];
        }
    }

    private void ThrowOnUnexpectedWarnings(IReadOnlyList<CapturedLogs.Entry> unexpected)
    {
        if (unexpected.Count > 0)
        {
            throw new InvalidOperationException(
                $"{GetType().Name} logged {unexpected.Count} warning(s) or error(s) no test expected:\n"
                + string.Join('\n', unexpected.Take(20).Select(entry => $"{entry.Level} {entry.Category}: {entry.Message} {entry.Exception?.GetType().Name}")));
        }
    }

    /// <summary>Stops what the app depended on, once the app itself is stopped.</summary>
    protected virtual Task DisposeDependenciesAsync() => Task.CompletedTask;
}

/// <summary>An app whose topics are stored in a real Garnet server (<c>ConnectionStrings:store</c>).</summary>
public sealed class DurableNotifyApp : NotifyApp
{
    public DurableNotifyApp()
        : this(new GarnetServer())
    {
    }

    private DurableNotifyApp(GarnetServer store)
        : base(new Dictionary<string, string?> { ["ConnectionStrings:store"] = store.ConnectionString })
    {
        Store = store;
    }

    /// <summary>The store, to stop, restart or wipe.</summary>
    public GarnetServer Store { get; }

    public override async Task InitializeAsync()
    {
        await Store.StartAsync();
        await base.InitializeAsync();
    }

    protected override async Task DisposeDependenciesAsync() => await Store.DisposeAsync();
}

/// <summary>An app whose fanouts check their stream against the grain every 300 ms, for repair tests.</summary>
public sealed class FastStreamCheckApp() : NotifyApp(new Dictionary<string, string?>
{
    ["Notify:Sse:StreamCheckInterval"] = StreamCheckInterval.ToString(),
})
{
    public static readonly TimeSpan StreamCheckInterval = TimeSpan.FromMilliseconds(300);
}

/// <summary>One app shared by the HTTP tests; each test uses its own topics.</summary>
[CollectionDefinition(Name)]
public sealed class UsesNotifyApp : ICollectionFixture<NotifyApp>
{
    public const string Name = "Notify.Api over HTTP";
}
