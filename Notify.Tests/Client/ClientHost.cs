using Microsoft.Extensions.DependencyInjection;
using Notify.Client;

namespace Notify.Tests.Client;

/// <summary>
/// A <see cref="NotifyClient"/> as an application gets it: registered with <c>AddNotifyClient</c> and resolved from
/// the container, with a <see cref="WireLog"/> handler in its pipeline.
/// </summary>
public sealed class ClientHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public ClientHost(Uri baseAddress, Action<NotifyClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddNotifyClient(options =>
        {
            options.BaseAddress = baseAddress;
            configure?.Invoke(options);
        }).AddHttpMessageHandler(Log.CreateHandler);
        _services = services.BuildServiceProvider();
        Client = _services.GetRequiredService<NotifyClient>();
    }

    public WireLog Log { get; } = new();

    public NotifyClient Client { get; }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
